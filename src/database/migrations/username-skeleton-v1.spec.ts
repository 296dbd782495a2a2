import { USERNAME_SKELETON_V1_VECTOR } from '../../../test/support/username-skeleton-vector';
import { usernameSkeletonV1 } from './username-skeleton-v1';

describe("the migrations' frozen copy of the username skeleton (version 1)", () => {
  it.each(USERNAME_SKELETON_V1_VECTOR)('gives %j the pinned skeleton', (username, skeleton) => {
    expect(usernameSkeletonV1(username)).toBe(skeleton);
  });
});

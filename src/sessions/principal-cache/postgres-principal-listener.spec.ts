import { targetOf } from './postgres-principal-listener';

describe('targetOf (the payload of a principal notification)', () => {
  it.each([
    ['s:abc', { sessionId: 'abc' }],
    ['u:abc', { userId: 'abc' }],
    ['*', 'all'],
    [undefined, 'all'],
    ['something else', 'all'],
  ])('reads %p as %p', (payload, target) => {
    expect(targetOf(payload)).toEqual(target);
  });
});

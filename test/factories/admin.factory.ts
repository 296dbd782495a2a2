import { Role } from '../../src/common/access/role';
import type { TestApp } from '../support/test-app';
import { logIn, type LoggedIn } from './session.factory';
import { createUser, type UserFixture } from './user.factory';

export interface AdminFixture extends UserFixture {
  session: LoggedIn;
  /** `Authorization` header value of the admin's session. */
  bearer: string;
}

/** A logged-in administrator (an extra one, so demoting or disabling it never hits the last-admin rule). */
export async function createAdmin(t: TestApp): Promise<AdminFixture> {
  const admin = await createUser(t, { role: Role.Admin });
  const session = await logIn(t, admin);
  return { ...admin, session, bearer: `Bearer ${session.accessToken}` };
}

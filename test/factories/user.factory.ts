import { randomBytes } from 'node:crypto';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { type User } from '../../src/users/entities/user.entity';
import { Role } from '../../src/common/access/role';
import { UsersRepository } from '../../src/users/users.repository';
import { UsersService } from '../../src/users/users.service';
import type { TestApp } from '../support/test-app';

export interface UserFixture {
  user: User;
  username: string;
  password: string;
}

export interface UserOverrides {
  username?: string;
  password?: string;
  role?: Role;
  mustChangePassword?: boolean;
  isActive?: boolean;
}

/** Creates a user straight through the service layer (the admin API is a later feature). */
export async function createUser(t: TestApp, overrides: UserOverrides = {}): Promise<UserFixture> {
  const username = overrides.username ?? `user-${randomBytes(4).toString('hex')}`;
  const password = overrides.password ?? `pass phrase ${randomBytes(6).toString('hex')}`;
  const unitOfWork = t.app.get(UnitOfWork);
  const user = await unitOfWork.run(async () => {
    const created = await t.app.get(UsersService).create({
      username,
      password,
      role: overrides.role ?? Role.User,
      mustChangePassword: overrides.mustChangePassword ?? false,
    });
    if (overrides.isActive === false) {
      await t.app.get(UsersRepository).update(created.id, { isActive: false });
      created.isActive = false;
    }
    return created;
  });
  return { user, username, password };
}

export async function setUserActive(t: TestApp, userId: string, isActive: boolean): Promise<void> {
  await t.app.get(UnitOfWork).run(() => t.app.get(UsersRepository).update(userId, { isActive }));
}

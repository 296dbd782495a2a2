import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { ValidationError } from '../common/errors/domain-error';
import { isUniqueViolation } from '../database/unique-violation';
import { User } from './entities/user.entity';
import { Role } from '../common/access/role';
import { UserError, UserErrorCode } from './user.error';
import { legacyUsername, normalizeUsername, usernameSkeleton } from './username';
import { UsersRepository } from './users.repository';

export interface NewUser {
  username: string;
  displayName?: string | null;
  password: string;
  role: Role;
  mustChangePassword: boolean;
}

/** The one place that creates users, and that turns a given name into its canonical form. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /**
   * Looks a login name up by its canonical form, so every case-folded spelling finds the account. An account
   * created before full case folding (or whose name today's rules refuse) is stored in the older form (NFKC,
   * lower case) and is still found by what logged it in before. One query either way.
   */
  async findByLoginName(loginName: string): Promise<User | null> {
    const check = normalizeUsername(loginName);
    const canonical = check.ok ? check.username : null;
    const legacy = legacyUsername(loginName);
    const names = [canonical, legacy].filter((name): name is string => name !== null);
    if (names.length === 0) return null;
    const found = await this.users.findByUsernames([...new Set(names)]);
    return (
      found.find((user) => user.username === canonical) ??
      found.find((user) => user.username === legacy) ??
      null
    );
  }

  /**
   * Accounts whose usernames look alike (one UTS #39 skeleton), computed afresh from every name rather than
   * from the stored column, oldest first in each group: the ones that predate the rule, for an operator.
   */
  async lookAlikeGroups(): Promise<Pick<User, 'id' | 'username' | 'createdAt'>[][]> {
    const groups = new Map<string, Pick<User, 'id' | 'username' | 'createdAt'>[]>();
    for (const user of await this.users.listNames()) {
      const skeleton = usernameSkeleton(user.username);
      groups.set(skeleton, [...(groups.get(skeleton) ?? []), user]);
    }
    return [...groups.values()].filter((group) => group.length > 1);
  }

  findByIdForUpdate(id: string): Promise<User | null> {
    return this.users.findByIdForUpdate(id);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /** The canonical form of a username (see normalizeUsername); a name that cannot be valid is a 400. */
  canonicalUsername(username: string): string {
    const check = normalizeUsername(username);
    if (!check.ok) {
      throw new ValidationError(`username ${check.reason}`, [
        { field: 'username', messages: [check.reason] },
      ]);
    }
    return check.username;
  }

  /**
   * Creates a user under the canonical form of the name; a name already taken is USERNAME_TAKEN. The caller has
   * checked the password policy.
   */
  async create(input: NewUser): Promise<User> {
    const username = this.canonicalUsername(input.username);
    // The skeleton too: a look-alike of an existing account (`аlice` for `alice`) is taken.
    if (
      (await this.users.findByUsername(username)) ||
      (await this.users.findBySkeleton(usernameSkeleton(username)))
    )
      throw new UserError(UserErrorCode.UsernameTaken);
    const now = this.clock.now();
    const user = Object.assign(new User(), {
      id: randomUUID(),
      username,
      usernameSkeleton: usernameSkeleton(username),
      displayName: input.displayName ?? null,
      passwordHash: await this.hasher.hash(input.password),
      role: input.role,
      isActive: true,
      mustChangePassword: input.mustChangePassword,
      passwordChangedAt: now,
      lastSignInAt: null,
      lastSignInIp: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.users.insert(user).catch((error: unknown) => {
      // Created at the same moment by another request or instance: the unique index decides.
      if (isUniqueViolation(error)) throw new UserError(UserErrorCode.UsernameTaken);
      throw error;
    });
    return user;
  }

  /** Stores a new password hash and lifts a pending forced change. */
  async setPasswordHash(user: User, passwordHash: string): Promise<void> {
    const now = this.clock.now();
    await this.users.update(user.id, {
      passwordHash,
      mustChangePassword: false,
      passwordChangedAt: now,
      updatedAt: now,
    });
    Object.assign(user, {
      passwordHash,
      mustChangePassword: false,
      passwordChangedAt: now,
      updatedAt: now,
    });
  }

  /** Replaces a hash made with weaker parameters by one with the current parameters (same password). */
  async upgradePasswordHash(user: User, passwordHash: string): Promise<void> {
    await this.users.update(user.id, { passwordHash });
    user.passwordHash = passwordHash;
  }

  /** A login completed: when and from where, for the administrator's view of the account. */
  async recordSignIn(userId: string, ip: string): Promise<void> {
    await this.users.recordSignIn(userId, this.clock.now(), ip);
  }
}

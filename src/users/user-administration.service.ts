import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { AuditService, type AuditEntry } from '../audit/audit.service';
import type { AuditDetails } from '../audit/entities/audit-event.entity';
import { Clock } from '../common/clock';
import { PasswordHasher } from '../common/crypto/password-hasher';
import type { RequestMeta } from '../common/http/request-meta';
import { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionNotFoundError } from '../sessions/session.error';
import {
  SessionsService,
  type SessionPage,
  type SessionPageRequest,
} from '../sessions/sessions.service';
import { type User } from './entities/user.entity';
import { Role } from '../common/access/role';
import { PasswordPolicy } from './password-policy';
import { UserError, UserErrorCode } from './user.error';
import { decodeCursor, encodeCursor } from './user-cursor';
import { canonicalForm } from './username';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Who performs an administrative action: an admin over HTTP, or an operator at the CLI. */
export interface Actor {
  userId: string | null;
  /** Kept on the audit row as it is now. */
  username?: string | null;
  meta?: RequestMeta;
  /** Extra audit details about the actor (e.g. the CLI's OS user). */
  details?: AuditDetails;
}

export interface CreateUserInput {
  username: string;
  role: Role;
  displayName?: string | null;
  password?: string;
}

export interface UserChanges {
  role?: Role;
  isActive?: boolean;
  displayName?: string | null;
}

export interface UserPage {
  items: User[];
  nextCursor: string | null;
}

export interface UserListFilter {
  usernamePrefix?: string;
  /** A username prefix or part of a display name, either case. */
  search?: string;
  role?: Role;
  isActive?: boolean;
  cursor?: string;
  limit: number;
}

/** A user with a password generated for them, shown exactly once. */
export interface UserWithOneTimePassword {
  user: User;
  oneTimePassword?: string;
}

const ONE_TIME_PASSWORD_MIN_LENGTH = 24;

/**
 * What administrators do to accounts. Every change is audited in the same transaction with its before/after
 * values; ending sessions goes through SessionsService, so a disabled or reset account is refused on its
 * very next request.
 */
@Injectable()
export class UserAdministrationService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly sessions: SessionsService,
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly events: EventBus,
  ) {}

  async create(actor: Actor, input: CreateUserInput): Promise<UserWithOneTimePassword> {
    // The policy compares the password with the name the account will have, so canonical first.
    const username = this.usersService.canonicalUsername(input.username);
    const oneTimePassword =
      input.password === undefined ? this.generatePassword(username) : undefined;
    const password = input.password ?? oneTimePassword!;
    this.policy.assertAcceptable(password, username, 'password');

    const user = await this.usersService.create({
      username,
      displayName: input.displayName ?? null,
      password,
      role: input.role,
      mustChangePassword: true,
    });
    await this.record(actor, AuditAction.UserCreated, user, {
      role: user.role,
      display_name: user.displayName,
      password_generated: oneTimePassword !== undefined,
    });
    return { user, oneTimePassword };
  }

  async list(filter: UserListFilter): Promise<UserPage> {
    const prefix =
      filter.usernamePrefix === undefined ? undefined : canonicalForm(filter.usernamePrefix);
    const items = await this.users.list({
      usernamePrefix: prefix,
      search:
        filter.search === undefined
          ? undefined
          : { usernamePrefix: canonicalForm(filter.search), text: filter.search.toLowerCase() },
      role: filter.role,
      isActive: filter.isActive,
      afterUsername: filter.cursor !== undefined ? decodeCursor(filter.cursor) : undefined,
      limit: filter.limit + 1,
    });
    const hasMore = items.length > filter.limit;
    const page = hasMore ? items.slice(0, filter.limit) : items;
    return {
      items: page,
      nextCursor: hasMore ? encodeCursor(page[page.length - 1].username) : null,
    };
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserError(UserErrorCode.UserNotFound);
    return user;
  }

  async getByUsername(username: string): Promise<User> {
    const user = await this.usersService.findByLoginName(username);
    if (!user) throw new UserError(UserErrorCode.UserNotFound);
    return user;
  }

  /** Applies role, active flag and display name changes; each change is audited with before/after. */
  async update(actor: Actor, id: string, changes: UserChanges): Promise<User> {
    const user = await this.get(id);
    const roleChanges = changes.role !== undefined && changes.role !== user.role;
    const activeChanges = changes.isActive !== undefined && changes.isActive !== user.isActive;
    const nameChanges =
      changes.displayName !== undefined && changes.displayName !== user.displayName;
    if (
      user.role === Role.Admin &&
      user.isActive &&
      (changes.role === Role.User || changes.isActive === false)
    ) {
      await this.assertAnotherActiveAdmin(user.id);
    }
    if (!roleChanges && !activeChanges && !nameChanges) return user;

    const before = { role: user.role, isActive: user.isActive, displayName: user.displayName };
    const now = this.clock.now();
    Object.assign(user, {
      role: changes.role ?? user.role,
      isActive: changes.isActive ?? user.isActive,
      displayName: changes.displayName !== undefined ? changes.displayName : user.displayName,
      updatedAt: now,
    });
    // Only the changed columns: a concurrent change of another field by another admin is not overwritten.
    await this.users.update(user.id, {
      ...(roleChanges && { role: user.role }),
      ...(activeChanges && { isActive: user.isActive }),
      ...(nameChanges && { displayName: user.displayName }),
      updatedAt: now,
    });

    if (roleChanges) {
      await this.record(actor, AuditAction.RoleChanged, user, {
        role_before: before.role,
        role_after: user.role,
      });
    }
    if (activeChanges && !user.isActive) {
      const revoked = await this.sessions.revokeAllForUser(
        user.id,
        SessionRevocationReason.UserDisabled,
      );
      await this.record(actor, AuditAction.UserDisabled, user, {
        is_active_before: true,
        is_active_after: false,
        sessions_revoked: revoked,
      });
      this.events.publishAfterCommit('user.disabled', { userId: user.id });
    } else if (activeChanges) {
      await this.record(actor, AuditAction.UserEnabled, user, {
        is_active_before: false,
        is_active_after: true,
      });
    }
    if (nameChanges) {
      await this.record(actor, AuditAction.UserUpdated, user, {
        display_name_before: before.displayName,
        display_name_after: user.displayName,
      });
    }
    return user;
  }

  /** A new one-time password (returned once), a forced change, and every session of the user ended. */
  async resetPassword(actor: Actor, id: string): Promise<UserWithOneTimePassword> {
    const user = await this.get(id);
    const oneTimePassword = this.generatePassword(user.username);
    const passwordHash = await this.hasher.hash(oneTimePassword);
    const now = this.clock.now();
    await this.users.update(user.id, {
      passwordHash,
      mustChangePassword: true,
      passwordChangedAt: now,
      updatedAt: now,
    });
    Object.assign(user, {
      passwordHash,
      mustChangePassword: true,
      passwordChangedAt: now,
      updatedAt: now,
    });
    const revoked = await this.sessions.revokeAllForUser(
      user.id,
      SessionRevocationReason.PasswordReset,
    );
    await this.record(actor, AuditAction.PasswordReset, user, { sessions_revoked: revoked });
    return { user, oneTimePassword };
  }

  async listSessions(id: string, page: SessionPageRequest): Promise<SessionPage> {
    await this.get(id);
    return this.sessions.listLive(id, page);
  }

  async revokeSessions(actor: Actor, id: string): Promise<number> {
    const user = await this.get(id);
    const revoked = await this.sessions.revokeAllForUser(
      user.id,
      SessionRevocationReason.RevokedByAdmin,
    );
    await this.record(actor, AuditAction.SessionRevoked, user, {
      scope: 'all',
      sessions_revoked: revoked,
    });
    return revoked;
  }

  async revokeSession(actor: Actor, id: string, sessionId: string): Promise<void> {
    const user = await this.get(id);
    if (
      !(await this.sessions.revokeOfUser(
        user.id,
        sessionId,
        SessionRevocationReason.RevokedByAdmin,
      ))
    ) {
      throw new SessionNotFoundError('No live session with this id for this user');
    }
    await this.record(actor, AuditAction.SessionRevoked, user, {
      scope: 'one',
      session_id: sessionId,
    });
  }

  private async assertAnotherActiveAdmin(userId: string): Promise<void> {
    const admins = await this.users.lockActiveAdmins();
    if (!admins.some((adminId) => adminId !== userId)) throw new UserError(UserErrorCode.LastAdmin);
  }

  private generatePassword(username: string): string {
    const length = Math.max(ONE_TIME_PASSWORD_MIN_LENGTH, this.config.passwordMinLength);
    for (;;) {
      const candidate = randomBytes(length).toString('base64url').slice(0, length);
      try {
        this.policy.assertAcceptable(candidate, username, 'password');
        return candidate;
      } catch {
        // A random string that happens to contain the username: draw again.
      }
    }
  }

  private record(
    actor: Actor,
    action: AuditAction,
    target: User,
    details: AuditDetails,
  ): Promise<void> {
    const entry: AuditEntry = {
      action,
      outcome: 'success',
      actorUserId: actor.userId,
      actorUsername: actor.username ?? null,
      targetUsername: target.username,
      resourceType: 'user',
      resourceId: target.id,
      details: { ...actor.details, target_username: target.username, ...details },
      meta: actor.meta,
    };
    return this.audit.record(entry);
  }
}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AppConfig, ConfigError } from '../config/app-config';
import { ValidationError } from '../common/errors/domain-error';
import { isUniqueViolation } from '../database/unique-violation';
import { UnitOfWork } from '../database/unit-of-work';
import { Role } from '../common/access/role';
import { PasswordPolicy } from './password-policy';
import { UserError, UserErrorCode } from './user.error';
import { UsersService } from './users.service';
import { announceOneTimePassword } from './admin-password-file';

/**
 * First start on an empty database: create the administrator. From AEGIS_ADMIN_USERNAME/PASSWORD when set,
 * else `admin` with a random one-time password (written to a file in the data folder) and a forced change at
 * first login.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly policy: PasswordPolicy,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrapAdmin) return;
    const configured =
      this.config.admin.username !== undefined && this.config.admin.password !== undefined;
    const username = this.config.admin.username ?? 'admin';
    const password = this.config.admin.password ?? randomBytes(18).toString('base64url');
    if (configured) this.assertConfiguredPassword(password, username);

    const created = await this.unitOfWork
      .run(async () => {
        if ((await this.users.count()) > 0) return false;
        const admin = await this.users.create({
          username,
          password,
          role: Role.Admin,
          mustChangePassword: !configured,
        });
        await this.audit.record({
          action: AuditAction.UserCreated,
          outcome: 'success',
          resourceType: 'user',
          targetUsername: admin.username,
          resourceId: admin.id,
          details: { target_username: admin.username, role: admin.role, source: 'bootstrap' },
        });
        return true;
      })
      .catch((error: unknown) => {
        // Another instance bootstrapped the same empty database a moment earlier.
        const taken: string = UserErrorCode.UsernameTaken;
        if ((error instanceof UserError && error.code === taken) || isUniqueViolation(error))
          return false;
        throw error;
      });

    if (created && !configured) {
      announceOneTimePassword(this.config.dataDir, username, password, this.logger);
    } else if (created) {
      this.logger.log(`Created the administrator "${username}" from AEGIS_ADMIN_USERNAME`);
    }
  }

  /** A configured password that breaks the policy stops the start like any invalid setting, naming it. */
  private assertConfiguredPassword(password: string, username: string): void {
    try {
      this.policy.assertAcceptable(password, username, 'AEGIS_ADMIN_PASSWORD');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ConfigError([`AEGIS_ADMIN_PASSWORD: ${error.options.detail ?? error.title}`]);
    }
  }
}

import { Global, Module } from '@nestjs/common';
import { AuditCommandsModule } from '../audit/cli/audit-commands.module';
import { AuthCommandsModule } from '../auth/lockout/cli/auth-commands.module';
import { MfaCommandsModule } from '../mfa/cli/mfa-commands.module';
import { AuthMetrics } from '../metrics/auth-metrics';
import { OidcCommandsModule } from '../oidc/cli/oidc-commands.module';
import { SigningKeysCommandsModule } from '../signing-keys/cli/signing-keys-commands.module';
import { UsersCommandsModule } from '../users/cli/users-commands.module';
import { OidcCoreModule } from '../oidc/oidc-core.module';
import { SessionsCoreModule } from '../sessions/sessions-core.module';
import { AuditCoreModule } from '../audit/audit-core.module';
import { DbBackupCommand } from './db-backup.command';
import { DbRestoreCommand } from './db-restore.command';
import { SessionsRevokeAllCommand } from './sessions-revoke-all.command';
import { SignOutEveryone } from './sign-out-everyone.service';

/** The base class counts nothing: a CLI run has no /metrics to report to. */
@Global()
@Module({ providers: [AuthMetrics], exports: [AuthMetrics] })
class NoMetricsModule {}

/**
 * Every feature's commands, each module bringing the feature's core module (entities, repositories, services) and
 * nothing of its HTTP side: no controllers, guards, rate limiter, Redis, principal cache or background jobs.
 */
@Module({
  imports: [
    NoMetricsModule,
    UsersCommandsModule,
    AuthCommandsModule,
    MfaCommandsModule,
    AuditCommandsModule,
    OidcCommandsModule,
    AuditCoreModule,
    SessionsCoreModule,
    OidcCoreModule,
    SigningKeysCommandsModule,
  ],
  providers: [DbBackupCommand, DbRestoreCommand, SessionsRevokeAllCommand, SignOutEveryone],
})
export class CliCommandsModule {}

import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AccountSecurityModule } from './auth/account-security/account-security.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { OidcModule } from './oidc/oidc.module';
import { MfaModule } from './mfa/mfa.module';
import { RedisModule } from './redis/redis.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Cross-feature reactions: an owner publishes, features that care subscribe (see src/mfa/events).
        LoggingModule,
        CommonModule,
        DatabaseModule,
        EventsModule,
        RedisModule,
        MetricsModule,
        AuditModule,
        UsersModule.register(AccountSecurityModule),
        SessionsModule,
        MfaModule,
        AuthModule,
        OidcModule,
        HealthModule,
        JobsModule,
      ],
    };
  }
}

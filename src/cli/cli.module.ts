import { Module, type DynamicModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditQueryService } from '../audit/audit-query.service';
import { AuditSigner } from '../audit/audit-signer';
import { AuditVerificationService } from '../audit/audit-verification.service';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AuditChainAnchor } from '../audit/entities/audit-chain-anchor.entity';
import { AuditCheckpoint } from '../audit/entities/audit-checkpoint.entity';
import { AuditEvent } from '../audit/entities/audit-event.entity';
import { LoginLockout } from '../auth/lockout/login-lockout.entity';
import { LoginLockoutRepository } from '../auth/lockout/login-lockout.repository';
import { LoginLockoutService } from '../auth/lockout/login-lockout.service';
import { CommonModule } from '../common/common.module';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { AuthMetrics } from '../metrics/auth-metrics';
import { OidcClient } from '../oidc/entities/oidc-client.entity';
import { OidcSigningKey } from '../oidc/entities/oidc-signing-key.entity';
import { OidcClientsRepository } from '../oidc/oidc-clients.repository';
import { OidcClientsService } from '../oidc/oidc-clients.service';
import { SigningKeysRepository } from '../oidc/signing-keys.repository';
import { SigningKeysService } from '../oidc/signing-keys.service';
import { LoginChallenge } from '../auth/login/login-challenge/login-challenge.entity';
import { MfaFactor } from '../mfa/entities/mfa-factor.entity';
import { RecoveryCode } from '../mfa/entities/recovery-code.entity';
import { LoginChallengesRepository } from '../auth/login/login-challenge/login-challenges.repository';
import { LoginChallengesService } from '../auth/login/login-challenge/login-challenges.service';
import { MfaFactorsRepository } from '../mfa/mfa-factors.repository';
import { MfaFactorsService } from '../mfa/mfa-factors.service';
import { WebAuthnCeremony } from '../mfa/entities/webauthn-ceremony.entity';
import { WebAuthnCeremoniesRepository } from '../mfa/webauthn-ceremonies.repository';
import { RecoveryCodesRepository } from '../mfa/recovery-codes.repository';
import { RetiredRefreshToken } from '../sessions/entities/retired-refresh-token.entity';
import { Session } from '../sessions/entities/session.entity';
import { NO_PRINCIPAL_CACHE_PROVIDERS } from '../sessions/principal-cache/principal-cache.providers';
import { SessionEndings } from '../sessions/session-endings';
import { SessionPrincipalRepository } from '../sessions/session-principal.repository';
import { SessionRotationRepository } from '../sessions/session-rotation.repository';
import { SessionsRepository } from '../sessions/sessions.repository';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/entities/user.entity';
import { PasswordPolicy } from '../users/password-policy';
import { UserAdministrationService } from '../users/user-administration.service';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';

/**
 * What the operator commands use, and nothing else: the database (migrated as the service would), users,
 * sessions, the audit log, OpenID clients and signing keys. Not the feature modules: those bring controllers, guards, the login throttler,
 * sessions, second factors and the audit log. Not the feature modules: those bring controllers, guards, the login throttler,
 * Redis, purge and audit timers, and the bootstrap administrator (the CLI is the tool for when that went wrong).
 */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        // An administrator's factor reset ends the user's open login challenges through an event, as in the app.
        EventEmitterModule.forRoot(),
        CommonModule,
        DatabaseModule,
        TypeOrmModule.forFeature([
          User,
          Session,
          RetiredRefreshToken,
          AuditEvent,
          AuditChainAnchor,
          AuditCheckpoint,
          LoginLockout,
          OidcClient,
          OidcSigningKey,
          MfaFactor,
          RecoveryCode,
          LoginChallenge,
          WebAuthnCeremony,
        ]),
      ],
      providers: [
        // The base class counts nothing: a CLI run has no /metrics to report to.
        { provide: AuthMetrics, useClass: AuthMetrics },
        AuditRepository,
        AuditService,
        AuditSigner,
        AuditQueryService,
        AuditVerificationService,
        SessionsRepository,
        SessionPrincipalRepository,
        SessionRotationRepository,
        SessionsService,
        SessionEndings,
        ...NO_PRINCIPAL_CACHE_PROVIDERS,
        UsersRepository,
        UsersService,
        PasswordPolicy,
        UserAdministrationService,
        LoginLockoutRepository,
        LoginLockoutService,
        OidcClientsRepository,
        OidcClientsService,
        SigningKeysRepository,
        SigningKeysService,
        MfaFactorsRepository,
        RecoveryCodesRepository,
        LoginChallengesRepository,
        LoginChallengesService,
        MfaFactorsService,
        WebAuthnCeremoniesRepository,
      ],
    };
  }
}

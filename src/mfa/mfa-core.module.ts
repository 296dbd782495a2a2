import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../audit/audit-core.module';
import { SecretBox } from '../common/crypto/secret-box';
import { AppConfig } from '../config/app-config';
import { SessionsCoreModule } from '../sessions/sessions-core.module';
import { UsersCoreModule } from '../users/users-core.module';
import { MfaFactor } from './entities/mfa-factor.entity';
import { RecoveryCode } from './entities/recovery-code.entity';
import { WebAuthnCeremony } from './entities/webauthn-ceremony.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';

const REPOSITORIES = [MfaFactorsRepository, RecoveryCodesRepository, WebAuthnCeremoniesRepository];

/** Second factors' state and their administration, without routes: imported by the app and the CLI. */
@Module({
  imports: [
    TypeOrmModule.forFeature([MfaFactor, RecoveryCode, WebAuthnCeremony]),
    UsersCoreModule,
    SessionsCoreModule,
    AuditCoreModule,
  ],
  providers: [
    // The one AES-256-GCM box, under MFA_ENCRYPTION_KEY: every SecretBox this feature injects seals factors.
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretBox(config.mfa.encryptionKey),
    },
    ...REPOSITORIES,
    MfaFactorsService,
  ],
  // The login (auth) purges the passwordless sign-in ceremonies it opened, with its own challenges.
  exports: [SecretBox, ...REPOSITORIES, MfaFactorsService],
})
export class MfaCoreModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { SecretBox } from '../common/crypto/secret-box';
import { AppConfig } from '../config/app-config';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { MfaChallenge } from './entities/mfa-challenge.entity';
import { MfaFactor } from './entities/mfa-factor.entity';
import { RecoveryCode } from './entities/recovery-code.entity';
import { WebAuthnCeremony } from './entities/webauthn-ceremony.entity';
import { MfaAdminController } from './mfa-admin.controller';
import { MfaChallengesRepository } from './mfa-challenges.repository';
import { MfaChallengesService } from './mfa-challenges.service';
import { MfaEnrolmentController } from './mfa-enrolment.controller';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { SecondFactorService } from './second-factor.service';
import { TotpEnrolmentService } from './totp-enrolment.service';
import { WebAuthnAssertionsService } from './webauthn-assertions.service';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';
import { MfaPurgeService } from './mfa-purge.service';
import { WebAuthnEnrolmentController } from './webauthn-enrolment.controller';
import { WebAuthnRegistrationService } from './webauthn-registration.service';
import { WebAuthnRelyingParty } from './webauthn-relying-party';

/**
 * Second factors: enrolment, checks of codes and passkeys, the login challenge between password and factor. Knows nothing
 * of logins: auth asks it whether a factor is needed and whether a code is right.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([MfaFactor, RecoveryCode, MfaChallenge, WebAuthnCeremony]),
    UsersModule,
    SessionsModule,
    AuditModule,
  ],
  controllers: [MfaEnrolmentController, WebAuthnEnrolmentController, MfaAdminController],
  providers: [
    // The one AES-256-GCM box, under MFA_ENCRYPTION_KEY: every SecretBox this module injects seals factors.
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretBox(config.mfa.encryptionKey),
    },
    MfaFactorsRepository,
    RecoveryCodesRepository,
    MfaChallengesRepository,
    MfaChallengesService,
    SecondFactorService,
    MfaFactorsService,
    TotpEnrolmentService,
    WebAuthnCeremoniesRepository,
    MfaPurgeService,
    WebAuthnRelyingParty,
    WebAuthnRegistrationService,
    WebAuthnAssertionsService,
  ],
  exports: [
    MfaChallengesService,
    SecondFactorService,
    MfaFactorsService,
    WebAuthnAssertionsService,
  ],
})
export class MfaModule {}

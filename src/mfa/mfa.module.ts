import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { SecretBox } from '../common/crypto/secret-box';
import { AppConfig } from '../config/app-config';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { MfaFactor } from './entities/mfa-factor.entity';
import { RecoveryCode } from './entities/recovery-code.entity';
import { WebAuthnCeremony } from './entities/webauthn-ceremony.entity';
import { MfaAdminController } from './mfa-admin.controller';
import { MfaEnrolmentController } from './mfa-enrolment.controller';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { MfaFactorsService } from './mfa-factors.service';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { SecondFactorService } from './second-factor.service';
import { TotpEnrolmentService } from './totp-enrolment.service';
import { WebAuthnAssertionsService } from './webauthn-assertions.service';
import { WebAuthnCeremoniesRepository } from './webauthn-ceremonies.repository';
import { WebAuthnEnrolmentController } from './webauthn-enrolment.controller';
import { WebAuthnRegistrationService } from './webauthn-registration.service';
import { WebAuthnRelyingParty } from './webauthn-relying-party';

/**
 * Second factors: enrolment, and checks of codes and passkeys. Knows nothing of logins: the login (auth) asks
 * which factors a user has and whether an answer is right, and keeps its own state between the steps.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([MfaFactor, RecoveryCode, WebAuthnCeremony]),
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
    SecondFactorService,
    MfaFactorsService,
    TotpEnrolmentService,
    WebAuthnCeremoniesRepository,
    WebAuthnRelyingParty,
    WebAuthnRegistrationService,
    WebAuthnAssertionsService,
  ],
  exports: [
    SecondFactorService,
    MfaFactorsService,
    WebAuthnAssertionsService,
    // The login purges the passwordless sign-in ceremonies it opened, with its own challenges.
    WebAuthnCeremoniesRepository,
  ],
})
export class MfaModule {}

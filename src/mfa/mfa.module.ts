import { Module } from '@nestjs/common';
import { AuditCoreModule } from '../audit/audit-core.module';
import { SessionsCoreModule } from '../sessions/sessions-core.module';
import { UsersCoreModule } from '../users/users-core.module';
import { MfaAdminController } from './mfa-admin.controller';
import { MfaCoreModule } from './mfa-core.module';
import { MfaEnrolmentController } from './mfa-enrolment.controller';
import { SecondFactorService } from './second-factor.service';
import { TotpEnrolmentService } from './totp-enrolment.service';
import { WebAuthnAssertionsService } from './webauthn-assertions.service';
import { WebAuthnEnrolmentController } from './webauthn-enrolment.controller';
import { WebAuthnRegistrationService } from './webauthn-registration.service';
import { WebAuthnRelyingParty } from './webauthn-relying-party';

/**
 * Second factors: enrolment, and checks of codes and passkeys. Knows nothing of logins: the login (auth) asks
 * which factors a user has and whether an answer is right, and keeps its own state between the steps.
 */
@Module({
  imports: [MfaCoreModule, UsersCoreModule, SessionsCoreModule, AuditCoreModule],
  controllers: [MfaEnrolmentController, WebAuthnEnrolmentController, MfaAdminController],
  providers: [
    SecondFactorService,
    TotpEnrolmentService,
    WebAuthnRelyingParty,
    WebAuthnRegistrationService,
    WebAuthnAssertionsService,
  ],
  exports: [MfaCoreModule, SecondFactorService, WebAuthnAssertionsService],
})
export class MfaModule {}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { AuditCoreModule } from '../audit/audit-core.module';
import { MfaModule } from '../mfa/mfa.module';
import { AppConfig } from '../config/app-config';
import { SessionsModule } from '../sessions/sessions.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersCoreModule } from '../users/users-core.module';
import { AccessTokenJwksController } from './access-token-jwks.controller';
import { AccessTokenKeys } from './access-token-keys';
import { AccessTokenService } from './access-token.service';
import { AuthCookies, authCookieNames } from './auth-cookies';
import { applyAuthRouteLimits } from './auth-route-limits';
import { AuthController } from './auth.controller';
import { BrowserSessionService } from './browser-session.service';
import { CredentialVerificationService } from './credential-verification.service';
import { DeviceCookies } from './device-cookies';
import { GLOBAL_GUARDS } from './guards/global-guards';
import { LoginThrottlerGuard } from './guards/login-throttler.guard';
import { LoginLockoutModule } from './lockout/login-lockout.module';
import { RATE_LIMIT_STORAGE, RateLimitStorageModule } from './rate-limit-storage.module';
import { AuthCoreModule } from './auth-core.module';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { MySessionsService } from './my-sessions.service';
import { PasswordChangeService } from './password-change.service';
import { RequestAuthenticator } from './request-authenticator.service';
import { SessionGrantsService } from './session-grants.service';
import { MySessionsController } from './my-sessions.controller';
import { LoginResponder } from './login/login-responder';
import { LoginService } from './login/login.service';
import { SignInStatePurgeService } from './login/login-challenge/sign-in-state-purge.service';
import { SecondFactorStepService } from './login/second-factor-step.service';
import { ReauthenticationController } from './reauthentication/reauthentication.controller';
import { ReauthenticationService } from './reauthentication/reauthentication.service';
import { SecondFactorLoginController } from './login/second-factor-login.controller';
import { PasskeyLoginController } from './passkey-login/passkey-login.controller';
import { PasskeyLoginService } from './passkey-login/passkey-login.service';

const ONE_MINUTE_MS = 60_000;

@Module({
  imports: [
    UsersCoreModule,
    SessionsModule,
    AuditCoreModule,
    MfaModule,
    LoginLockoutModule,
    AuthCoreModule,
    SigningKeysModule,
    PassportModule,
    // Keys, algorithm, issuer and audience are passed on every call by AccessTokenService (key rotation).
    JwtModule.register({}),
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [AppConfig, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfig, storage: ThrottlerStorage) => ({
        throttlers: [
          { name: 'default', ttl: ONE_MINUTE_MS, limit: config.loginRateLimitPerMinute },
        ],
        storage,
      }),
    }),
  ],
  controllers: [
    AuthController,
    SecondFactorLoginController,
    PasskeyLoginController,
    ReauthenticationController,
    MySessionsController,
    AccessTokenJwksController,
  ],
  providers: [
    CredentialVerificationService,
    SessionGrantsService,
    LoginService,
    SecondFactorStepService,
    SignInStatePurgeService,
    LoginResponder,
    PasskeyLoginService,
    ReauthenticationService,
    RequestAuthenticator,
    BrowserSessionService,
    PasswordChangeService,
    MySessionsService,
    AccessTokenKeys,
    AccessTokenService,
    AuthCookies,
    JwtStrategy,
    LocalStrategy,
    LoginThrottlerGuard,
    DeviceCookies,
    ...GLOBAL_GUARDS.map(({ guard }) => ({ provide: APP_GUARD, useClass: guard })),
  ],
  // For the OpenID provider's sign-in page: the same password check, login steps, session start and cookies as
  // /auth/login and /auth/mfa/verify.
  exports: [
    CredentialVerificationService,
    LoginService,
    SecondFactorStepService,
    BrowserSessionService,
    AuthCookies,
  ],
})
export class AuthModule {
  /** Names of the auth cookies for the OpenAPI document (they depend on SECURE_COOKIES). */
  static readonly cookieNames = authCookieNames;
  /** HTTP limits of the /auth routes, applied by the server before routes are registered. */
  static readonly applyRouteLimits = applyAuthRouteLimits;
}

import { Module } from '@nestjs/common';
import { LoginChallengeModule } from './login/login-challenge/login-challenge.module';
import { LoginLockoutCoreModule } from './lockout/login-lockout-core.module';

/**
 * Auth's state and services without routes, guards or jobs: the login lockout, and the login challenge (whose
 * service ends pending second steps when a user's factors are reset, from the app or the CLI).
 */
@Module({
  imports: [LoginLockoutCoreModule, LoginChallengeModule],
  exports: [LoginLockoutCoreModule, LoginChallengeModule],
})
export class AuthCoreModule {}

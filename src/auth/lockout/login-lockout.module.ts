import { Module } from '@nestjs/common';
import { LoginLockoutPurgeService } from './login-lockout-purge.service';
import { LoginLockoutController } from './login-lockout.controller';
import { LoginLockoutCoreModule } from './login-lockout-core.module';

/**
 * The per-account login lockout: failure counters with backoff (counted for every first factor and every answer
 * to a second), the administrator's route that clears one, and the purge of idle counters. Every sign-in of the
 * auth feature charges it; nothing here knows how a sign-in works.
 */
@Module({
  imports: [LoginLockoutCoreModule],
  controllers: [LoginLockoutController],
  providers: [LoginLockoutPurgeService],
  exports: [LoginLockoutCoreModule],
})
export class LoginLockoutModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../../audit/audit.module';
import { UsersModule } from '../../users/users.module';
import { LoginLockoutPurgeService } from './login-lockout-purge.service';
import { LoginLockoutController } from './login-lockout.controller';
import { LoginLockout } from './login-lockout.entity';
import { LoginLockoutRepository } from './login-lockout.repository';
import { LoginLockoutService } from './login-lockout.service';

/**
 * The per-account login lockout: failure counters with backoff (counted for every first factor and every answer
 * to a second), the administrator's route that clears one, and the purge of idle counters. Every sign-in of the
 * auth feature charges it; nothing here knows how a sign-in works.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LoginLockout]), UsersModule, AuditModule],
  controllers: [LoginLockoutController],
  providers: [LoginLockoutRepository, LoginLockoutService, LoginLockoutPurgeService],
  exports: [LoginLockoutService],
})
export class LoginLockoutModule {}

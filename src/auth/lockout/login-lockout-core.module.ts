import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../../audit/audit-core.module';
import { UsersCoreModule } from '../../users/users-core.module';
import { LoginLockout } from './login-lockout.entity';
import { LoginLockoutRepository } from './login-lockout.repository';
import { LoginLockoutService } from './login-lockout.service';

/** The lockout's state and service, without its route or purge job: for the app and the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature([LoginLockout]), UsersCoreModule, AuditCoreModule],
  providers: [LoginLockoutRepository, LoginLockoutService],
  exports: [LoginLockoutRepository, LoginLockoutService],
})
export class LoginLockoutCoreModule {}

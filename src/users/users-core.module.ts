import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../audit/audit-core.module';
import { SessionsCoreModule } from '../sessions/sessions-core.module';
import { User } from './entities/user.entity';
import { PasswordPolicy } from './password-policy';
import { UserAdministrationService } from './user-administration.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Accounts and their administration, without routes or the bootstrap admin: imported by the app and the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature([User]), AuditCoreModule, SessionsCoreModule],
  providers: [UsersRepository, UsersService, PasswordPolicy, UserAdministrationService],
  exports: [UsersService, PasswordPolicy, UserAdministrationService],
})
export class UsersCoreModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { User } from './entities/user.entity';
import { PasswordPolicy } from './password-policy';
import { UserAdministrationService } from './user-administration.service';
import { UserSessionsController } from './user-sessions.controller';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), AuditModule, SessionsModule],
  controllers: [UsersController, UserSessionsController],
  providers: [
    UsersRepository,
    UsersService,
    PasswordPolicy,
    AdminBootstrapService,
    UserAdministrationService,
  ],
  exports: [UsersService, PasswordPolicy, UserAdministrationService],
})
export class UsersModule {}

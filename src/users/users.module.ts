import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { User } from './entities/user.entity';
import { PasswordPolicy } from './password-policy';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), AuditModule],
  providers: [UsersRepository, UsersService, PasswordPolicy, AdminBootstrapService],
  exports: [UsersService, PasswordPolicy],
})
export class UsersModule {}

import { Module } from '@nestjs/common';
import { UsersCoreModule } from '../users-core.module';
import { ListConfusablesCommand } from './users-confusables.command';
import {
  CreateUserCommand,
  DisableUserCommand,
  EnableUserCommand,
  ListUsersCommand,
  RevokeSessionsCommand,
} from './users.commands';

/** The operator commands on accounts (users:reset-password lives with the lockout it also lifts). */
@Module({
  imports: [UsersCoreModule],
  providers: [
    CreateUserCommand,
    ListUsersCommand,
    ListConfusablesCommand,
    EnableUserCommand,
    DisableUserCommand,
    RevokeSessionsCommand,
  ],
})
export class UsersCommandsModule {}

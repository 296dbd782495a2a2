import { Module } from '@nestjs/common';
import { UsersCoreModule } from '../../../users/users-core.module';
import { AuthCoreModule } from '../../auth-core.module';
import { ClearLockoutCommand, ResetPasswordCommand } from './lockout.commands';

@Module({
  imports: [AuthCoreModule, UsersCoreModule],
  providers: [ClearLockoutCommand, ResetPasswordCommand],
})
export class AuthCommandsModule {}

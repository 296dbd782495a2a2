import { Module } from '@nestjs/common';
import { UsersCoreModule } from '../../users/users-core.module';
import { MfaCoreModule } from '../mfa-core.module';
import { ResetMfaCommand } from './reset-mfa.command';

@Module({ imports: [MfaCoreModule, UsersCoreModule], providers: [ResetMfaCommand] })
export class MfaCommandsModule {}

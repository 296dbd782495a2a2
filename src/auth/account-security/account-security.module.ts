import { Module } from '@nestjs/common';
import { MfaCoreModule } from '../../mfa/mfa-core.module';
import { UserSecurityStates } from '../../users/user-security-state';
import { LoginLockoutCoreModule } from '../lockout/login-lockout-core.module';
import { AccountSecurityStates } from './account-security-states';

/** What the users feature shows of the lockout and second factors, provided under its own token. */
@Module({
  imports: [LoginLockoutCoreModule, MfaCoreModule],
  providers: [{ provide: UserSecurityStates, useClass: AccountSecurityStates }],
  exports: [UserSecurityStates],
})
export class AccountSecurityModule {}

import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../entities/user.entity';
import type { SecondFactorSummary, UserSecurityState } from '../user-security-state';
import { UserDto } from './user.dto';

export class SecondFactorsDto {
  @ApiProperty({ description: 'A confirmed authenticator-app (TOTP) factor' }) totp!: boolean;
  @ApiProperty({ minimum: 0, description: 'Confirmed passkeys' }) passkeys!: number;
  @ApiProperty({ minimum: 0, description: 'Recovery codes not yet spent' })
  recovery_codes_left!: number;

  static from(summary: SecondFactorSummary): SecondFactorsDto {
    return {
      totp: summary.totp,
      passkeys: summary.passkeys,
      recovery_codes_left: summary.recoveryCodesLeft,
    };
  }
}

/** A user as an administrator sees it: the account, its sign-in state and its last sign-in. */
export class UserRecordDto extends UserDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'End of the account-wide login lock while it runs (LOGIN_LOCKOUT_CLEARED lifts it); else null',
  })
  locked_until!: string | null;

  @ApiProperty({ type: SecondFactorsDto }) second_factors!: SecondFactorsDto;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When a login last completed (any first factor, after any second); null if never since recorded',
  })
  last_sign_in_at!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The client address of that login' })
  last_sign_in_ip!: string | null;

  static of(user: User, state: UserSecurityState): UserRecordDto {
    return {
      ...UserDto.from(user),
      locked_until: state.lockedUntil?.toISOString() ?? null,
      second_factors: SecondFactorsDto.from(state.secondFactors),
      last_sign_in_at: user.lastSignInAt?.toISOString() ?? null,
      last_sign_in_ip: user.lastSignInIp,
    };
  }
}

import { ApiProperty } from '@nestjs/swagger';
import type { MfaFactor } from '../entities/mfa-factor.entity';
import { FactorDto } from './factors.dto';

/** A passkey just registered; the account's first factor comes with recovery codes, shown this once. */
export class WebAuthnFactorDto extends FactorDto {
  @ApiProperty({
    type: [String],
    example: ['7KQ2-M9XD-4HTP-WB3N'],
    description: '10 codes when this is the first factor of the account, else empty',
  })
  recovery_codes!: string[];

  static withCodes(factor: MfaFactor, recoveryCodes: string[]): WebAuthnFactorDto {
    return { ...FactorDto.from(factor), recovery_codes: recoveryCodes };
  }
}

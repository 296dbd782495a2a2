import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ProblemDetailsDto } from '../../common/errors/problem-details.dto';
import { MfaMethod } from '../../common/access/mfa-method';

/** 401 of a login whose password was right and whose user has a second factor (code MFA_REQUIRED). */
@ApiSchema({ name: 'MfaRequired' })
export class MfaRequiredDto extends ProblemDetailsDto {
  @ApiProperty({
    description: 'Opaque (256 bits): send it to /auth/mfa/verify; also set as the aegis_mfa cookie',
  })
  mfa_token!: string;

  @ApiProperty({ enum: MfaMethod, isArray: true, example: ['totp', 'recovery_code'] })
  methods!: MfaMethod[];

  @ApiProperty({ type: 'integer', example: 300, description: 'Seconds the challenge lives' })
  expires_in!: number;

  @ApiProperty({
    enum: ['mfa_required'],
    description: 'The RFC 6749 error code, for OAuth2 clients',
  })
  error!: 'mfa_required';

  @ApiProperty() error_description!: string;
}

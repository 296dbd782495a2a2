import { ApiProperty } from '@nestjs/swagger';

/** One public key of Aegis's access tokens (RFC 7517, an EC P-256 key). */
export class AccessTokenJwkDto {
  @ApiProperty({ example: 'EC' })
  kty!: string;

  @ApiProperty({ example: 'P-256' })
  crv!: string;

  @ApiProperty({ description: 'base64url' })
  x!: string;

  @ApiProperty({ description: 'base64url' })
  y!: string;

  @ApiProperty({ description: 'The `kid` header of the tokens this key verifies' })
  kid!: string;

  @ApiProperty({ example: 'ES256' })
  alg!: string;

  @ApiProperty({ example: 'sig' })
  use!: string;
}

export class AccessTokenJwksDto {
  @ApiProperty({ type: [AccessTokenJwkDto] })
  keys!: AccessTokenJwkDto[];
}

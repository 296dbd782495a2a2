import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';

/** A client's public keys (RFC 7517 JWK Set); the provider checks every key (no private or symmetric keys). */
export class JwksDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'tool-2026', alg: 'ES256' }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsObject({ each: true })
  keys!: Record<string, unknown>[];
}

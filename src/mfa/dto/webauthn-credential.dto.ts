import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const base64url = { message: '$property must be base64url' };

/** `response` of a new credential, as @simplewebauthn/browser's startRegistration() returns it. */
export class AttestationResponseDto {
  @ApiProperty({ description: 'base64url' })
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, base64url)
  clientDataJSON!: string;

  @ApiProperty({ description: 'base64url (CBOR)' })
  @IsString()
  @MaxLength(12_288)
  @Matches(BASE64URL, base64url)
  attestationObject!: string;

  @ApiPropertyOptional({ description: 'base64url' })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  @Matches(BASE64URL, base64url)
  authenticatorData?: string;

  @ApiPropertyOptional({ type: [String], example: ['internal', 'hybrid'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  transports?: string[];

  @ApiPropertyOptional({ example: -7 })
  @IsOptional()
  @IsInt()
  publicKeyAlgorithm?: number;

  @ApiPropertyOptional({ description: 'base64url (SPKI)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, base64url)
  publicKey?: string;
}

/** `response` of an assertion, as @simplewebauthn/browser's startAuthentication() returns it. */
export class AssertionResponseDto {
  @ApiProperty({ description: 'base64url' })
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, base64url)
  clientDataJSON!: string;

  @ApiProperty({ description: 'base64url' })
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, base64url)
  authenticatorData!: string;

  // Post-quantum signatures are long: ML-DSA-44, which the server offers first where the runtime supports it
  // (Node.js 24), signs in 2,420 bytes (3,227 base64url characters), ML-DSA-87 in 4,627 (6,170).
  @ApiProperty({ description: 'base64url' })
  @IsString()
  @MaxLength(8192)
  @Matches(BASE64URL, base64url)
  signature!: string;

  @ApiPropertyOptional({ description: 'base64url: the user handle of a discoverable credential' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(BASE64URL, base64url)
  userHandle?: string;
}

/** What both kinds of credential JSON share (WebAuthn Level 3 `toJSON()`). */
abstract class PublicKeyCredentialDto {
  @ApiProperty({ description: 'The credential id, base64url' })
  @IsString()
  @MaxLength(1400)
  @Matches(BASE64URL, base64url)
  id!: string;

  @ApiProperty({ description: 'The same id, base64url' })
  @IsString()
  @MaxLength(1400)
  @Matches(BASE64URL, base64url)
  rawId!: string;

  @ApiProperty({ enum: ['public-key'] })
  @IsIn(['public-key'])
  type!: 'public-key';

  @ApiPropertyOptional({ enum: ['platform', 'cross-platform'] })
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';

  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  @IsObject()
  clientExtensionResults!: Record<string, unknown>;
}

export class RegistrationCredentialDto extends PublicKeyCredentialDto {
  @ApiProperty({ type: AttestationResponseDto })
  @ValidateNested()
  @Type(() => AttestationResponseDto)
  response!: AttestationResponseDto;
}

export class AuthenticationCredentialDto extends PublicKeyCredentialDto {
  @ApiProperty({ type: AssertionResponseDto })
  @ValidateNested()
  @Type(() => AssertionResponseDto)
  response!: AssertionResponseDto;
}

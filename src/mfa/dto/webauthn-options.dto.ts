import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The relying party as authenticators show it. */
class RelyingPartyDto {
  @ApiProperty({ example: 'aegis.example.com' }) id!: string;
  @ApiProperty({ example: 'Aegis (aegis.example.com)' }) name!: string;
}

class UserEntityDto {
  @ApiProperty({ description: 'The user handle, base64url (opaque: the account id)' }) id!: string;
  @ApiProperty({ example: 'alice' }) name!: string;
  @ApiProperty({ example: 'Alice' }) displayName!: string;
}

class CredentialDescriptorDto {
  @ApiProperty({ description: 'base64url' }) id!: string;
  @ApiProperty({ enum: ['public-key'] }) type!: string;
  @ApiPropertyOptional({ type: [String] }) transports?: string[];
}

/**
 * `PublicKeyCredentialCreationOptionsJSON` (WebAuthn Level 3): pass it as `optionsJSON` to
 * startRegistration() of @simplewebauthn/browser, or to PublicKeyCredential.parseCreationOptionsFromJSON().
 */
export class CreationOptionsDto {
  @ApiProperty({ type: RelyingPartyDto }) rp!: RelyingPartyDto;
  @ApiProperty({ type: UserEntityDto }) user!: UserEntityDto;
  @ApiProperty({ description: 'base64url, single use, valid 5 minutes' }) challenge!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [{ alg: -7, type: 'public-key' }],
  })
  pubKeyCredParams!: object[];
  @ApiProperty({ example: 300000 }) timeout!: number;
  @ApiProperty({ enum: ['none'] }) attestation!: string;
  @ApiProperty({
    type: [CredentialDescriptorDto],
    description: "The user's passkeys: an authenticator that holds one is not registered twice",
  })
  excludeCredentials!: CredentialDescriptorDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { residentKey: 'preferred', userVerification: 'preferred', requireResidentKey: false },
  })
  authenticatorSelection!: object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) extensions?: object;
  @ApiPropertyOptional({ type: [String] }) hints?: string[];
}

/**
 * `PublicKeyCredentialRequestOptionsJSON`: pass it as `optionsJSON` to startAuthentication() of
 * @simplewebauthn/browser, or to PublicKeyCredential.parseRequestOptionsFromJSON().
 */
export class RequestOptionsDto {
  @ApiProperty({ description: 'base64url, single use, valid 5 minutes' }) challenge!: string;
  @ApiProperty({ example: 'aegis.example.com' }) rpId!: string;
  @ApiProperty({ example: 300000 }) timeout!: number;
  @ApiProperty({ enum: ['required', 'preferred', 'discouraged'] }) userVerification!: string;
  @ApiPropertyOptional({
    type: [CredentialDescriptorDto],
    description:
      "The user's passkeys (second factor); absent for a passwordless sign-in (any passkey)",
  })
  allowCredentials?: CredentialDescriptorDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) extensions?: object;
  @ApiPropertyOptional({ type: [String] }) hints?: string[];
}

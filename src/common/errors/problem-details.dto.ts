import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldErrorDto {
  @ApiProperty({ example: 'new_password' }) field!: string;
  @ApiProperty({ type: [String] }) messages!: string[];
}

/** The body of every error response (RFC 9457 application/problem+json), for the OpenAPI document. */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'urn:aegis:problem:user-not-found' }) type!: string;
  @ApiProperty({ example: 'User not found' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiProperty({ example: 'USER_NOT_FOUND', description: 'Stable machine-readable code' })
  code!: string;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty() request_id!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

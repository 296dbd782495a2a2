import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FieldError' })
class FieldErrorDto {
  @ApiProperty({ example: 'new_password' }) field!: string;
  @ApiProperty({ type: [String] }) messages!: string[];
}

/** The body of every error response (RFC 9457 application/problem+json), for the OpenAPI document. */
@ApiSchema({ name: 'ProblemDetails' })
export class ProblemDetailsDto {
  @ApiProperty({ format: 'uri', example: 'urn:aegis:problem:user-not-found' }) type!: string;
  @ApiProperty({ example: 'User not found' }) title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 }) status!: number;
  @ApiProperty({ example: 'USER_NOT_FOUND', description: 'Stable machine-readable code' })
  code!: string;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ format: 'uuid', description: 'Also the X-Request-Id response header' })
  request_id!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

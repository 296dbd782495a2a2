import { ApiProperty } from '@nestjs/swagger';

export type CheckStatus = 'up' | 'down';

export class HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({
    description: 'Each dependency checked: `database`, and `redis` when REDIS_URL is set',
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    example: { database: 'up', redis: 'up' },
  })
  checks!: Record<string, CheckStatus>;
}

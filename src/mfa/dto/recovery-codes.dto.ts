import { ApiProperty } from '@nestjs/swagger';

/** Shown once: only their hashes are kept. Each works once, in place of a code from the app. */
export class RecoveryCodesDto {
  @ApiProperty({ type: [String], example: ['7KQ2-M9XD-4HTP-WB3N'] })
  recovery_codes!: string[];
}

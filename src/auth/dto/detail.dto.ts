import { ApiProperty } from '@nestjs/swagger';

export class DetailDto {
  @ApiProperty({ example: 'Logged out' })
  detail!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { UserRecordDto } from './user-record.dto';

export class UserPageDto {
  @ApiProperty({ type: [UserRecordDto] }) items!: UserRecordDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  next_cursor!: string | null;
}

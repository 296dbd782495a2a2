import { ApiProperty } from '@nestjs/swagger';
import { MySessionDto, SessionDto } from './session.dto';

const NEXT_CURSOR = {
  type: String,
  nullable: true,
  description: 'Pass as `cursor` for the next page; null at the end',
};

/** Live sessions, newest first, one page at a time. */
export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}

export class MySessionPageDto {
  @ApiProperty({ type: [MySessionDto] }) items!: MySessionDto[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}

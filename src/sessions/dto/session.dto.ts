import { ApiProperty } from '@nestjs/swagger';
import type { Session } from '../entities/session.entity';

/** A live session as its owner or an administrator sees it: never a token or hash. */
export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'Login, refresh or last request (requests are recorded once a minute)',
  })
  last_used_at!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent!: string | null;

  static from(session: Session): SessionDto {
    return {
      id: session.id,
      created_at: session.createdAt.toISOString(),
      last_used_at: session.lastUsedAt.toISOString(),
      expires_at: new Date(
        Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime()),
      ).toISOString(),
      ip: session.ip,
      user_agent: session.userAgent,
    };
  }
}

/** One of the caller's own sessions: `current` marks the one making the request. */
export class MySessionDto extends SessionDto {
  @ApiProperty({ description: 'True on the session making this request' }) current!: boolean;

  static fromOwn(session: Session, currentSessionId: string): MySessionDto {
    return { ...SessionDto.from(session), current: session.id === currentSessionId };
  }
}

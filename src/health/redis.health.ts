import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckAttempt } from '@nestjs/terminus';
import { RedisConnection } from '../redis/redis-connection';

/** Redis answers PING (only checked when REDIS_URL is set). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisConnection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  get configured(): boolean {
    return this.redis.client !== undefined;
  }

  pingCheck<Key extends string>(key: Key, timeoutMs: number): HealthCheckAttempt<Key> {
    return this.indicators
      .check(key)
      .attempt(async () => {
        if (!this.redis.client) throw new Error('Redis is not configured');
        await this.redis.client.ping();
      })
      .withTimeout(timeoutMs);
  }
}

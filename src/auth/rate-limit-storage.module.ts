import { Module } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { RedisConnection } from '../redis/redis-connection';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/**
 * Where login attempts are counted: Redis when REDIS_URL is set (one count across all instances),
 * process memory otherwise. The Redis connection is the shared one, which RedisConnection closes only
 * after the HTTP server has drained (the storage would close a connection of its own too early, in
 * onModuleDestroy). While Redis is unreachable the count cannot be kept, and login fails closed with 503.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) =>
        redis.client !== undefined
          ? new ThrottlerStorageRedisService(redis.client)
          : new ThrottlerStorageService(),
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}

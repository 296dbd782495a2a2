import { Module } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/**
 * Where login attempts are counted: Redis when REDIS_URL is set (one count across all instances),
 * process memory otherwise. A provider, so Nest disconnects Redis at shutdown.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.redisUrl !== undefined
          ? new ThrottlerStorageRedisService(config.redisUrl, {
              keyPrefix: `${config.redisKeyPrefix}throttle:`,
            })
          : new ThrottlerStorageService(),
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}

import { Global, Module } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

/** The optional shared Redis connection (rate limits, readiness). Infrastructure: knows no feature. */
@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}

import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { GracefulShutdown } from './graceful-shutdown';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

/** GET /health/live and /health/ready, and the SIGTERM drain they take part in. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, GracefulShutdown],
})
export class HealthModule {}

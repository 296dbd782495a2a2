import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { GracefulShutdown } from './graceful-shutdown';
import { HealthController } from './health.controller';
import { ReadinessState } from './readiness-state';
import { RedisHealthIndicator } from './redis.health';

/** GET /health/live and /health/ready, and the SIGTERM drain they take part in. */
@Module({
  // Terminus's own logger would write every failed probe at `error`: ReadinessState logs the changes instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, GracefulShutdown, ReadinessState],
})
export class HealthModule {}

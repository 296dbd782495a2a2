import { Global, Module } from '@nestjs/common';
import { AuthMetrics } from './auth-metrics';
import { HttpMetrics } from './http-metrics';
import { METRICS_SECURITY, MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { Metrics } from './metrics.service';
import { PrometheusAuthMetrics } from './prometheus-auth-metrics';

/** GET /metrics, the registry features add to, and the auth metrics port. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    Metrics,
    HttpMetrics,
    MetricsTokenGuard,
    { provide: AuthMetrics, useClass: PrometheusAuthMetrics },
  ],
  exports: [Metrics, AuthMetrics],
})
export class MetricsModule {
  /** The OpenAPI security scheme of GET /metrics (METRICS_TOKEN). */
  static readonly securityScheme = METRICS_SECURITY;
}

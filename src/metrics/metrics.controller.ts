import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { Problems } from '../common/errors/problems.decorator';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access/public.decorator';
import { metricsTokenRequired, MetricsTokenGuard } from './metrics-token.guard';
import { Metrics } from './metrics.service';
import { ReadOnly } from '../database/transaction-mode.decorator';

export const METRICS_SECURITY = 'metrics_token';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @ReadOnly()
  @Public()
  @UseGuards(MetricsTokenGuard)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Request durations by route and status, logins by outcome, refreshes, refresh-token reuse detections, ' +
      'live sessions (counted at scrape time) and Node.js process metrics. When METRICS_TOKEN is set, send it ' +
      'as `Authorization: Bearer <token>`.',
  })
  @ApiProduces('text/plain')
  @ApiSecurity(METRICS_SECURITY)
  @ApiOkResponse({ description: 'Metrics in the Prometheus text format', type: String })
  @Problems(metricsTokenRequired())
  async scrapeMetrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.render();
    void reply.type(this.metrics.contentType);
    return body;
  }
}

import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { Problems } from '../common/errors/problems.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { Public } from '../common/access/public.decorator';
import { HealthDto, type CheckStatus } from './dto/health.dto';
import { NotReadyError } from './not-ready.error';
import { GracefulShutdown } from './graceful-shutdown';
import { ReadinessState } from './readiness-state';
import { RedisHealthIndicator } from './redis.health';
import { ReadOnly } from '../database/transaction-mode.decorator';

/** Below the 1–3 s probe timeouts load balancers and Kubernetes use, so a slow check reads as "down". */
const CHECK_TIMEOUT_MS = 1_500;

/** Only up/down per dependency: driver messages (hosts, ports) stay in the server log. */
function checksOf(result: HealthCheckResult): Record<string, CheckStatus> {
  return Object.fromEntries(
    Object.entries(result.details).map(([key, detail]) => [
      key,
      detail.status === 'down' ? 'down' : 'up',
    ]),
  );
}

/** Liveness and readiness for load balancers and orchestrators. Public, unthrottled, and cheap. */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: GracefulShutdown,
    private readonly readiness: ReadinessState,
  ) {}

  @Get('live')
  @ReadOnly()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Liveness: the process is up and serving HTTP (checks no dependency)',
  })
  @ApiOkResponse({ type: HealthDto })
  checkLiveness(): HealthDto {
    return { status: 'ok', checks: {} };
  }

  @Get('ready')
  @ReadOnly()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Readiness: the database (and Redis, when configured) answers; 503 otherwise',
    description:
      'Fails while the database or the configured Redis cannot be reached within 1.5 s, and while the ' +
      'instance is shutting down. Checked afresh on every call (one `SELECT 1` and one `PING`).',
  })
  @ApiOkResponse({ type: HealthDto })
  @Problems(new NotReadyError('unreachable: database'))
  async checkReadiness(): Promise<HealthDto> {
    // From the signal on, through the drain: the load balancer must stop sending before the server closes.
    if (this.shutdown.shuttingDown) throw new NotReadyError('shutting down');
    const indicators: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS),
    ];
    if (this.redis.configured)
      indicators.push(() => this.redis.pingCheck('redis', CHECK_TIMEOUT_MS));
    try {
      const result = await this.health.check(indicators);
      this.readiness.nowReady();
      return { status: 'ok', checks: checksOf(result) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      if (result.status === 'shutting_down') throw new NotReadyError('shutting down');
      this.readiness.notReady(result);
      const down = Object.entries(checksOf(result))
        .filter(([, status]) => status === 'down')
        .map(([key]) => key);
      throw new NotReadyError(`unreachable: ${down.join(', ')}`);
    }
  }
}

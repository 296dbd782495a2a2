import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { UnitOfWork } from '../database/unit-of-work';
import {
  AuthMetrics,
  type LoginOutcome,
  type PrincipalLookup,
  type RefreshResult,
} from './auth-metrics';
import { Metrics } from './metrics.service';

const LOGIN_OUTCOMES: LoginOutcome[] = [
  'success',
  'invalid_credentials',
  'account_disabled',
  'rate_limited',
  'throttled',
];
const REFRESH_RESULTS: RefreshResult[] = ['rotated', 'grace'];
const PRINCIPAL_LOOKUPS: PrincipalLookup[] = ['hit', 'miss', 'bypass'];

@Injectable()
export class PrometheusAuthMetrics extends AuthMetrics {
  private readonly logins: Counter<'outcome'>;
  private readonly refreshes: Counter<'result'>;
  private readonly reuses: Counter;
  private readonly principalLookups: Counter<'source'>;

  constructor(
    metrics: Metrics,
    private readonly unitOfWork: UnitOfWork,
  ) {
    super();
    this.logins = metrics.counter({
      name: 'aegis_logins_total',
      help: 'Login attempts by outcome (503s while a dependency is down are in the request histogram)',
      labelNames: ['outcome'],
    });
    this.refreshes = metrics.counter({
      name: 'aegis_token_refreshes_total',
      help: 'Successful refreshes: rotated, or served a retired token inside the grace window',
      labelNames: ['result'],
    });
    this.reuses = metrics.counter({
      name: 'aegis_refresh_token_reuse_detected_total',
      help: 'Retired refresh tokens presented after the grace window (the session was ended)',
    });
    this.principalLookups = metrics.counter({
      name: 'aegis_principal_lookups_total',
      help: 'Principal checks of authenticated requests by where the row came from: cache hit, miss, or bypass (cache not serving)',
      labelNames: ['source'],
    });
    // Every series exists from the start at 0, so rate() and alerts work before the first event.
    for (const outcome of LOGIN_OUTCOMES) this.logins.inc({ outcome }, 0);
    for (const result of REFRESH_RESULTS) this.refreshes.inc({ result }, 0);
    this.reuses.inc(0);
    for (const source of PRINCIPAL_LOOKUPS) this.principalLookups.inc({ source }, 0);
  }

  override loginAttempted(outcome: LoginOutcome): void {
    if (outcome === 'success') this.unitOfWork.onCommit(() => this.logins.inc({ outcome }));
    else this.logins.inc({ outcome });
  }

  override tokenRefreshed(result: RefreshResult): void {
    this.unitOfWork.onCommit(() => this.refreshes.inc({ result }));
  }

  override refreshTokenReuseDetected(): void {
    this.reuses.inc();
  }

  override principalLookedUp(source: PrincipalLookup): void {
    this.principalLookups.inc({ source });
  }
}

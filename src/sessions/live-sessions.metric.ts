import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.service';
import { SessionsService } from './sessions.service';

/** `aegis_live_sessions`: counted in the database at scrape time, so it is the same on every instance. */
@Injectable()
export class LiveSessionsMetric implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly sessions: SessionsService,
  ) {}

  onModuleInit(): void {
    this.metrics.gaugeReadAtScrape(
      'aegis_live_sessions',
      'Sessions neither revoked nor expired (all instances: read from the database at scrape time)',
      () => this.sessions.countLive(),
    );
  }
}

import { Module } from '@nestjs/common';
import { LiveSessionsMetric } from './live-sessions.metric';
import { LivePrincipals } from './principal-cache/live-principals';
import { PRINCIPAL_CACHE_PROVIDERS } from './principal-cache/principal-cache.providers';
import { SessionPurgeService } from './session-purge.service';
import { SessionsCoreModule } from './sessions-core.module';

/**
 * Server-side sessions in a serving instance: the core, the principal cache that answers every authenticated
 * request, the purge job and the live-sessions metric.
 */
@Module({
  imports: [SessionsCoreModule],
  providers: [SessionPurgeService, LiveSessionsMetric, ...PRINCIPAL_CACHE_PROVIDERS],
  exports: [SessionsCoreModule, SessionPurgeService, LivePrincipals],
})
export class SessionsModule {}

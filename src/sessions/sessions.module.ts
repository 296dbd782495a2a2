import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { RetiredRefreshToken } from './entities/retired-refresh-token.entity';
import { Session } from './entities/session.entity';
import { LiveSessionsMetric } from './live-sessions.metric';
import { LivePrincipals } from './principal-cache/live-principals';
import { PrincipalChanges } from './principal-cache/principal-changes';
import { PRINCIPAL_CACHE_PROVIDERS } from './principal-cache/principal-cache.providers';
import { SessionPrincipalRepository } from './session-principal.repository';
import { SessionEndings } from './session-endings';
import { SessionPurgeService } from './session-purge.service';
import { SessionRotationRepository } from './session-rotation.repository';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Server-side sessions: start, rotate, revoke. Used by auth, and by users to end sessions of a disabled account. */
@Module({
  imports: [TypeOrmModule.forFeature([Session, RetiredRefreshToken]), AuditModule],
  providers: [
    SessionsRepository,
    SessionPrincipalRepository,
    SessionRotationRepository,
    SessionsService,
    SessionEndings,
    SessionPurgeService,
    LiveSessionsMetric,
    ...PRINCIPAL_CACHE_PROVIDERS,
  ],
  exports: [SessionsService, SessionPurgeService, SessionEndings, LivePrincipals, PrincipalChanges],
})
export class SessionsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../audit/audit-core.module';
import { RetiredRefreshToken } from './entities/retired-refresh-token.entity';
import { Session } from './entities/session.entity';
import { SessionPrincipalRepository } from './session-principal.repository';
import { SessionRotationRepository } from './session-rotation.repository';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Server-side sessions without the principal cache or the purge job: imported by the HTTP app and by the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature([Session, RetiredRefreshToken]), AuditCoreModule],
  providers: [
    SessionsRepository,
    SessionPrincipalRepository,
    SessionRotationRepository,
    SessionsService,
  ],
  exports: [SessionsService, SessionPrincipalRepository],
})
export class SessionsCoreModule {}

import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { AuditCoreModule } from '../audit/audit-core.module';
import { AuthModule } from '../auth/auth.module';
import { SessionsCoreModule } from '../sessions/sessions-core.module';
import { UsersCoreModule } from '../users/users-core.module';
import { OidcPayload } from './entities/oidc-payload.entity';
import { OidcSessionLink } from './entities/oidc-session-link.entity';
import { SignInAttemptReader } from './sign-in-attempt-reader';
import { SignInThrottlerGuard } from './guards/sign-in-throttler.guard';
import { InteractionController } from './interaction.controller';
import { InteractionFinisher } from './interaction-finisher.service';
import { EndedSessionSweep } from './logout/ended-session-sweep.service';
import { OidcClientsController } from './oidc-clients.controller';
import { OidcCoreModule } from './oidc-core.module';
import { OidcMaintenanceService } from './oidc-maintenance.service';
import { OidcProviderService } from './oidc-provider.service';
import { mountProvider } from './provider-mount';
import { ProviderSessionEnder } from './provider-session-ender.service';
import { SessionLinksRepository } from './session-links.repository';
import { SessionLinksService } from './session-links.service';
import { SignInAssetsController } from './sign-in-assets.controller';
import { SignInChallengeCookie } from './sign-in-challenge-cookie';
import { SignInForms } from './sign-in-forms';
import { SignInService } from './sign-in.service';

/** Aegis as an OpenID Connect provider under /oidc: clients, keys, hosted sign-in, one session for every tool. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OidcPayload, OidcSessionLink]),
    OidcCoreModule,
    AuditCoreModule,
    UsersCoreModule,
    SessionsCoreModule,
    AuthModule,
  ],
  controllers: [OidcClientsController, InteractionController, SignInAssetsController],
  providers: [
    SessionLinksRepository,
    SessionLinksService,
    OidcProviderService,
    ProviderSessionEnder,
    EndedSessionSweep,
    OidcMaintenanceService,
    InteractionFinisher,
    SignInChallengeCookie,
    SignInForms,
    SignInService,
    SignInAttemptReader,
    SignInThrottlerGuard,
  ],
})
export class OidcModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly providers: OidcProviderService,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    if (!http) return;
    mountProvider(http.getInstance<FastifyInstance>(), this.providers);
  }
}

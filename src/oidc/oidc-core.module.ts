import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../audit/audit-core.module';
import { ClientMetadataValidator } from './client-metadata-validator';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcPayload } from './entities/oidc-payload.entity';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { OidcClientsRepository } from './oidc-clients.repository';
import { OidcClientsService } from './oidc-clients.service';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';

/** The provider's registered clients, signing keys and stored artifacts, without the provider itself: imported by the app and the CLI. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OidcClient, OidcPayload]),
    AuditCoreModule,
    SigningKeysModule,
  ],
  providers: [
    OidcClientsRepository,
    OidcClientsService,
    ClientMetadataValidator,
    OidcPayloadRepository,
  ],
  exports: [OidcClientsService, SigningKeysModule, OidcPayloadRepository],
})
export class OidcCoreModule {}

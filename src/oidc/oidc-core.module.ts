import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../audit/audit-core.module';
import { ClientMetadataValidator } from './client-metadata-validator';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcPayload } from './entities/oidc-payload.entity';
import { OidcSigningKey } from './entities/oidc-signing-key.entity';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { OidcClientsRepository } from './oidc-clients.repository';
import { OidcClientsService } from './oidc-clients.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/** The provider's registered clients, signing keys and stored artifacts, without the provider itself: imported by the app and the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature([OidcClient, OidcSigningKey, OidcPayload]), AuditCoreModule],
  providers: [
    OidcClientsRepository,
    OidcClientsService,
    ClientMetadataValidator,
    SigningKeysRepository,
    SigningKeysService,
    OidcPayloadRepository,
  ],
  exports: [OidcClientsService, SigningKeysService, OidcPayloadRepository],
})
export class OidcCoreModule {}

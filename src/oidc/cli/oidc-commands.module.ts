import { Module } from '@nestjs/common';
import { OidcCoreModule } from '../oidc-core.module';
import { ClientsCreateCommand } from './clients-create.command';

@Module({ imports: [OidcCoreModule], providers: [ClientsCreateCommand] })
export class OidcCommandsModule {}

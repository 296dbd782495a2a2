import { Module } from '@nestjs/common';
import { OidcCoreModule } from '../oidc-core.module';
import { ClientsCreateCommand } from './clients-create.command';
import { KeysRotateCommand } from './keys-rotate.command';

@Module({ imports: [OidcCoreModule], providers: [ClientsCreateCommand, KeysRotateCommand] })
export class OidcCommandsModule {}

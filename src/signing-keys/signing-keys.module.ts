import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCoreModule } from '../audit/audit-core.module';
import { SigningKey } from './entities/signing-key.entity';
import { SigningKeyStore } from './signing-key-store.service';
import { SigningKeysRepository } from './signing-keys.repository';

/** The token signing keys of the OpenID provider and of Aegis's access tokens: imported by the app and the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKey]), AuditCoreModule],
  providers: [SigningKeysRepository, SigningKeyStore],
  exports: [SigningKeyStore],
})
export class SigningKeysModule {}

import { Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys.module';
import { KeysRotateCommand } from './keys-rotate.command';

@Module({ imports: [SigningKeysModule], providers: [KeysRotateCommand] })
export class SigningKeysCommandsModule {}

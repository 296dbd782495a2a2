import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { PasswordHasher } from './crypto/password-hasher';

/** Infrastructure every feature may use: the clock and the password hasher. */
@Global()
@Module({ providers: [Clock, PasswordHasher], exports: [Clock, PasswordHasher] })
export class CommonModule {}

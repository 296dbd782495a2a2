import { Injectable, type OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { PasswordHashingConfig, type Argon2Params } from './password-hashing-config';

const ENCODED_PARAMS = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * Argon2id behind a small interface, so services can be tested without real hashing
 * (Immich's CryptoRepository idea). Passwords are NFKC-normalised before hashing
 * (NIST SP 800-63B), so the same password typed on another keyboard still matches.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly params: Argon2Params;
  private dummy?: string;

  constructor(config: PasswordHashingConfig) {
    this.params = config.argon2;
  }

  async onModuleInit(): Promise<void> {
    // A real hash with the current parameters: verifying an unknown user against it costs what a real user costs.
    this.dummy = await this.hash(randomBytes(32).toString('base64url'));
  }

  /** A hash no password matches, verified for unknown users so their timing equals known ones. */
  get dummyHash(): string {
    if (this.dummy === undefined) throw new Error('PasswordHasher used before module init');
    return this.dummy;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password.normalize('NFKC'), {
      type: argon2.argon2id,
      memoryCost: this.params.memoryKiB,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
    });
  }

  async verify(encodedHash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(encodedHash, password.normalize('NFKC'));
    } catch {
      // A malformed stored hash must read as "wrong password", never as a 500 that tells users apart.
      return false;
    }
  }

  /** True when the stored hash is weaker than the configured parameters (or not argon2id at all). */
  needsRehash(encodedHash: string): boolean {
    const match = ENCODED_PARAMS.exec(encodedHash);
    if (!match) return true;
    const [, variant, version, memory, time, parallelism] = match;
    return (
      variant !== 'argon2id' ||
      Number(version) < 0x13 ||
      Number(memory) < this.params.memoryKiB ||
      Number(time) < this.params.timeCost ||
      Number(parallelism) < this.params.parallelism
    );
  }
}

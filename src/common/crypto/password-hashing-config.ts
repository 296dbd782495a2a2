/** Argon2id cost: new hashes are made with it, and a stored hash below it is rehashed. */
export interface Argon2Params {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * What the hasher reads of the configuration, as its injection token. Infrastructure below the configuration
 * imports nothing from it: ConfigModule binds this token to the validated AppConfig, which has this shape.
 */
export abstract class PasswordHashingConfig {
  abstract readonly argon2: Argon2Params;
}

import * as argon2 from 'argon2';
import { PasswordHasher } from './password-hasher';
import type { PasswordHashingConfig } from './password-hashing-config';

const config: PasswordHashingConfig = {
  argon2: { memoryKiB: 19_456, timeCost: 2, parallelism: 1 },
};

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(config);
  beforeAll(() => hasher.onModuleInit());

  it('hashes with argon2id at the configured parameters', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('matches a password typed in another Unicode form (NFKC)', async () => {
    const hash = await hasher.hash('ｐａｓｓｗｏｒｄ－ｆｕｌｌｗｉｄｔｈ');
    expect(await hasher.verify(hash, 'password-fullwidth')).toBe(true);
  });

  it('treats a malformed stored hash as a wrong password', async () => {
    expect(await hasher.verify('not-a-hash', 'anything')).toBe(false);
  });

  it('has a dummy hash with the same parameters that no password matches', async () => {
    expect(hasher.dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hasher.dummyHash, '')).toBe(false);
  });

  it('asks for a rehash only when the stored hash is weaker', async () => {
    const weak = await argon2.hash('pw', {
      type: argon2.argon2id,
      memoryCost: 8_192,
      timeCost: 1,
      parallelism: 1,
    });
    const argon2i = await argon2.hash('pw', {
      type: argon2.argon2i,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    const stronger = await argon2.hash('pw', {
      type: argon2.argon2id,
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 1,
    });
    expect(hasher.needsRehash(weak)).toBe(true);
    expect(hasher.needsRehash(argon2i)).toBe(true);
    expect(hasher.needsRehash(stronger)).toBe(false);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
  });
});

import { clientSecretMatches, hashClientSecret, newClientSecret } from './client-secret';

describe('client secrets', () => {
  it('match their stored hash only', () => {
    const { secret, hash } = newClientSecret();
    expect(hash).toBe(hashClientSecret(secret));
    expect(hash).not.toContain(secret);
    expect(clientSecretMatches(hash, secret)).toBe(true);
    expect(clientSecretMatches(hash, `${secret}x`)).toBe(false);
    expect(clientSecretMatches(hash, hash)).toBe(false);
    expect(clientSecretMatches(undefined, secret)).toBe(false);
  });

  it('are 256 random bits', () => {
    const a = newClientSecret().secret;
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(newClientSecret().secret);
  });
});

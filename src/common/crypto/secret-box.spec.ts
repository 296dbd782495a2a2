import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

/** The key the two fixed values below were sealed with. */
const FIXED_KEY = Buffer.alloc(32, 7);
/** Sealed by the former MFA box (src/mfa/secret-box.ts): a TOTP secret bound to its factor row. */
const SEALED_BY_MFA_BOX = 'v1.I9cQnGf901sn75hvFCQqmxjzAeJtwlIPrhcFo44GvIuC08P9Pkipf1ExuqA';
/** Sealed by the former OpenID key box: a private JWK bound to its key id, in three base64url parts. */
const SEALED_BY_OIDC_BOX =
  'v1.M9Bnazpxkvr4EdzB.MbuFbNzyqM18N77f-PNiOg.nNJLLwdiCqC0alo0KXfskTpnj9S29rlKhoI';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const sealed = box.seal('{"d":"private"}', 'kid-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('private');
    expect(sealed).not.toBe(box.seal('{"d":"private"}', 'kid-1'));
    expect(box.open(sealed, 'kid-1')).toBe('{"d":"private"}');
  });

  it('opens values sealed before the MFA and OpenID boxes were merged, in both of their forms', () => {
    const fixed = new SecretBox(FIXED_KEY);
    expect(fixed.open(SEALED_BY_MFA_BOX, 'mfa_factors:f1:u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(fixed.open(SEALED_BY_OIDC_BOX, 'kid-1')).toBe('{"kty":"EC","d":"private"}');
    expect(() => fixed.open(SEALED_BY_MFA_BOX, 'mfa_factors:f2:u1')).toThrow();
    expect(() => fixed.open(SEALED_BY_OIDC_BOX, 'kid-2')).toThrow();
    expect(() => box.open(SEALED_BY_OIDC_BOX, 'kid-1')).toThrow();
  });

  it('refuses a ciphertext moved to another row (context), altered, or opened with another key', () => {
    const sealed = box.seal('secret', 'kid-1');
    expect(() => box.open(sealed, 'kid-2')).toThrow();
    const flipped = Buffer.from(sealed.slice(3), 'base64url');
    flipped[flipped.length - 1] ^= 1;
    expect(() => box.open(`v1.${flipped.toString('base64url')}`, 'kid-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'kid-1')).toThrow();
  });

  it('seals an empty text too (a value of exactly IV and tag)', () => {
    expect(box.open(box.seal('', 'kid-1'), 'kid-1')).toBe('');
  });

  it('refuses unknown versions and truncated values instead of guessing', () => {
    const fixed = new SecretBox(FIXED_KEY);
    const [, iv, tag, body] = SEALED_BY_OIDC_BOX.split('.');
    const unknown = [
      SEALED_BY_MFA_BOX.replace(/^v1/, 'v2'),
      SEALED_BY_OIDC_BOX.replace(/^v1/, 'v2'),
      `v1.${iv}.${tag}`,
      `v1.${iv}.${tag}.${body}.${body}`,
      `v1.${iv}${iv}.${tag}.${body}`,
      `v1.${iv}.${tag}${tag}.${body}`,
    ];
    for (const sealed of unknown)
      expect(() => fixed.open(sealed, 'kid-1')).toThrow('Unknown sealed secret format');
    expect(() => box.open('v0.abc', 'kid-1')).toThrow('Unknown sealed secret format');
    expect(() => box.open('v1.abc', 'kid-1')).toThrow('Unknown sealed secret format');
    expect(() => box.open('v1.a.b', 'kid-1')).toThrow('Unknown sealed secret format');
    expect(() => box.open('v1.AAAA.AAAA.AAAA', 'kid-1')).toThrow('Unknown sealed secret format');
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});

import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const sealed = box.seal('{"d":"private"}', 'kid-1');
    expect(sealed).not.toContain('private');
    expect(sealed).not.toBe(box.seal('{"d":"private"}', 'kid-1'));
    expect(box.open(sealed, 'kid-1')).toBe('{"d":"private"}');
  });

  it('refuses a ciphertext moved to another row (context), altered, or opened with another key', () => {
    const sealed = box.seal('secret', 'kid-1');
    expect(() => box.open(sealed, 'kid-2')).toThrow();
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      box.open([version, iv, tag, flipped.toString('base64url')].join('.'), 'kid-1'),
    ).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'kid-1')).toThrow();
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});

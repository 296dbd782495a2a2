import { loadConfig } from '../config/app-config';
import { SecretBox } from './secret-box';

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
const box = (key = KEY) =>
  new SecretBox(loadConfig({ MFA_ENCRYPTION_KEY: key, DATA_DIR: '/tmp/aegis-box' }));

describe('SecretBox', () => {
  it('opens what it sealed, and never shows the plaintext or reuses an IV', () => {
    const sealed = box().seal('JBSWY3DPEHPK3PXP', 'row-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box().seal('JBSWY3DPEHPK3PXP', 'row-1')).not.toBe(sealed);
    expect(box().open(sealed, 'row-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a ciphertext moved to another row, altered, or sealed under another key', () => {
    const sealed = box().seal('JBSWY3DPEHPK3PXP', 'row-1');
    expect(() => box().open(sealed, 'row-2')).toThrow();
    const flipped = Buffer.from(sealed.slice(3), 'base64url');
    flipped[flipped.length - 1] ^= 1;
    expect(() => box().open(`v1.${flipped.toString('base64url')}`, 'row-1')).toThrow();
    expect(() => box(OTHER_KEY).open(sealed, 'row-1')).toThrow();
    expect(() => box().open('v0.abc', 'row-1')).toThrow('Unknown sealed format');
  });
});

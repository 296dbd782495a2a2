import { Secret, TOTP } from 'otpauth';
import { matchingStep, newTotpSecret, otpauthUri } from './totp';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", 8-digit vectors truncated to the 6 the app shows.
const RFC_SECRET = new Secret({ buffer: new TextEncoder().encode('12345678901234567890').buffer })
  .base32;

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 test vectors (6 digits) and names their time step', () => {
    expect(matchingStep(RFC_SECRET, '287082', 59_000)).toBe(1);
    expect(matchingStep(RFC_SECRET, '081804', 1_111_111_109_000)).toBe(37_037_036);
    expect(matchingStep(RFC_SECRET, '050471', 1_111_111_111_000)).toBe(37_037_037);
  });

  it('accepts one step either side of now and nothing further', () => {
    const secret = newTotpSecret();
    const at = (ms: number) =>
      new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });
    const now = 1_800_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(matchingStep(secret, at(now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, at(now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, at(now - 60_000), now)).toBeNull();
    expect(matchingStep(secret, at(now + 60_000), now)).toBeNull();
  });

  it('refuses anything but six digits', () => {
    const secret = newTotpSecret();
    for (const code of ['', '12345', '1234567', '12 456', 'abcdef']) {
      expect(matchingStep(secret, code, Date.now())).toBeNull();
    }
  });

  it('makes 160-bit base32 secrets and the URI authenticator apps read', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri(secret, 'Aegis', 'alice')).toBe(
      `otpauth://totp/Aegis:alice?issuer=Aegis&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
  });
});

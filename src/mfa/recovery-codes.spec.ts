import { hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode } from './recovery-codes';

describe('recovery codes', () => {
  it('are four groups of four unambiguous characters, all different', () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    for (const code of codes)
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(codes).size).toBe(200);
  });

  it('read the same however they are typed (case, spaces, dashes, O for 0, I or L for 1)', () => {
    expect(normalizeRecoveryCode(' 7kq2 m9xd-4htp-wb3n ')).toBe('7KQ2M9XD4HTPWB3N');
    expect(normalizeRecoveryCode('O1IL')).toBe('0111');
    expect(hashRecoveryCode('u-1', '7kq2m9xd4htpwb3n')).toBe(
      hashRecoveryCode('u-1', '7KQ2-M9XD-4HTP-WB3N'),
    );
  });

  it('hash per user, and never to something containing the code', () => {
    const code = newRecoveryCode();
    const hash = hashRecoveryCode('u-1', code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(hashRecoveryCode('u-2', code));
  });
});

import { normalizeUsername } from './username';

describe('normalizeUsername', () => {
  it('folds case and compatibility forms into one canonical name', () => {
    expect(normalizeUsername('Alice')).toEqual({ ok: true, username: 'alice' });
    expect(normalizeUsername('ＡＬＩＣＥ')).toEqual({ ok: true, username: 'alice' });
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(65)],
    ['a right-to-left override', 'adm\u202Ein'],
    ['a zero-width joiner', 'ad\u200Dmin'],
    ['a control character', 'ad\u0007min'],
    ['surrounding whitespace', ' admin'],
  ])('rejects %s', (_label, input) => {
    expect(normalizeUsername(input).ok).toBe(false);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(normalizeUsername('𝒶'.repeat(3))).toMatchObject({ ok: true });
    expect(normalizeUsername('名'.repeat(64)).ok).toBe(true);
  });
});

import { USERNAME_SKELETON_V1_VECTOR } from '../../test/support/username-skeleton-vector';
import { legacyUsername, normalizeUsername, usernameSkeleton } from './username';

const canonical = (input: string) => {
  const check = normalizeUsername(input);
  if (!check.ok) throw new Error(`${JSON.stringify(input)} refused: ${check.reason}`);
  return check.username;
};

describe('normalizeUsername (RFC 8265 UsernameCaseMapped, full case folding)', () => {
  it('folds case and compatibility forms into one canonical name', () => {
    expect(normalizeUsername('Alice')).toEqual({ ok: true, username: 'alice' });
    expect(normalizeUsername('ＡＬＩＣＥ')).toEqual({ ok: true, username: 'alice' });
  });

  it('folds case fully: ß and ẞ are ss, final sigma is sigma', () => {
    expect(canonical('Straße')).toBe('strasse');
    expect(canonical('STRAẞE')).toBe('strasse');
    expect(canonical('ΟΔΥΣΣΕΥΣ')).toBe(canonical('οδυσσευς'));
  });

  it('folds the Turkish dotted and dotless I the same way in every locale', () => {
    expect(canonical('İstanbul')).toBe('i\u0307stanbul');
    expect(canonical('ISTANBUL')).toBe('istanbul');
    expect(canonical('ıstanbul')).toBe('ıstanbul');
  });

  it('gives a fixed point for every code point, alone and inside a name', () => {
    const moved: string[] = [];
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const input = `ab${String.fromCodePoint(code)}`;
      const check = normalizeUsername(input);
      if (check.ok && normalizeUsername(check.username).ok) {
        const again = normalizeUsername(check.username);
        if (again.ok && again.username !== check.username) moved.push(code.toString(16));
      } else if (check.ok) {
        moved.push(code.toString(16));
      }
    }
    expect(moved).toEqual([]);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(65)],
    ['a right-to-left override', 'adm\u202Ein'],
    ['a left-to-right mark', 'admin\u200E'],
    ['a bidi isolate', '\u2066admin\u2069'],
    ['a zero-width joiner', 'ad\u200Dmin'],
    ['a zero-width space', 'ad\u200Bmin'],
    ['a soft hyphen', 'ad\u00ADmin'],
    ['a Hangul filler (a letter that renders as nothing)', 'admin\u3164'],
    ['a halfwidth Hangul filler', 'admin\uFFA0'],
    ['a combining grapheme joiner', 'adm\u034Fin'],
    ['a variation selector', 'admin\uFE0F'],
    ['a tag character', 'admin\u{E0041}'],
    ['a control character', 'ad\u0007min'],
    ['a C1 control character', 'ad\u0085min'],
    ['a line separator', 'ad\u2028min'],
    ['a lone surrogate', 'ad\uD800min'],
    ['a private-use character', 'ad\uE000min'],
    ['an unassigned code point', 'ad\u0378min'],
    ['an emoji', 'admin🙂'],
    ['a non-ASCII symbol', 'ad·min'],
    ['a conjoining old Hangul jamo', 'ad\u1100min'],
    ['surrounding whitespace', ' admin'],
    ['two spaces in a row', 'ad  min'],
  ])('rejects %s', (_label, input) => {
    expect(normalizeUsername(input).ok).toBe(false);
  });

  it('accepts letters of other scripts, combining marks, ASCII punctuation and single spaces', () => {
    expect(canonical('José.Núñez')).toBe('josé.núñez');
    expect(canonical('山田花子')).toBe('山田花子');
    expect(canonical('ann-marie o_brien')).toBe('ann-marie o_brien');
  });

  it('counts code points, not UTF-16 units', () => {
    expect(normalizeUsername('𝒶'.repeat(3))).toMatchObject({ ok: true });
    expect(normalizeUsername('名'.repeat(64)).ok).toBe(true);
  });

  it('keeps the canonical form of every name that was valid and had no fold difference', () => {
    for (const name of ['alice', 'rescue-admin', 'root-admin', 'user-1a2b', 'josé']) {
      expect(canonical(name)).toBe(legacyUsername(name));
    }
    for (const refusedThen of ['ab', 'ad\u0000min', ' admin', 'ad\uD800min']) {
      expect(legacyUsername(refusedThen)).toBeNull();
    }
  });
});

describe('usernameSkeleton (UTS #39)', () => {
  const same = (a: string, b: string) =>
    expect(usernameSkeleton(canonical(a))).toBe(usernameSkeleton(canonical(b)));
  const different = (a: string, b: string) =>
    expect(usernameSkeleton(canonical(a))).not.toBe(usernameSkeleton(canonical(b)));

  it('gives look-alikes one skeleton', () => {
    same('alice', '\u0430lice'); // Cyrillic а
    same('paypal', 'р\u0430yp\u0430l'); // Cyrillic р and а
    same('modern', 'rnodern');
    same('ıstanbul', 'İstanbul');
    same('istanbul', 'İstanbul');
    same('admin1', 'adminl');
  });

  it('keeps different-looking names apart', () => {
    different('alice', 'alicia');
    different('bob', 'rob');
    different('straße', 'strase');
  });

  it('drops default-ignorables, so a stored name with a Hangul filler collides with the plain one', () => {
    expect(usernameSkeleton('admin\u3164')).toBe(usernameSkeleton('admin'));
    expect(usernameSkeleton('ad\u200Bmin')).toBe(usernameSkeleton('admin'));
  });

  it('is defined for a stored legacy name that today refuses', () => {
    expect(usernameSkeleton('straße')).toBe(usernameSkeleton('strasse'));
    expect(usernameSkeleton('\uD800abc')).toEqual(expect.any(String));
  });
});

describe('usernameSkeleton against the pinned vector', () => {
  it.each(USERNAME_SKELETON_V1_VECTOR)('gives %j the pinned skeleton', (username, skeleton) => {
    expect(usernameSkeleton(username)).toBe(skeleton);
  });
});

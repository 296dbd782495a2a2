import { asciiOnly, lineSafeJson, terminalSafe } from './safe-text';

const HOSTILE =
  'a\u2028b\u2029c\u0085d\u009Be\u007Ff\u202Eg\u2066h\u200Bi\u00ADj\u3164k\uD800l\uE000m\u00A0n\u0000o\u{E0041}';

describe('lineSafeJson', () => {
  it('leaves no raw separator, control, format or invisible character and parses back to the same value', () => {
    const json = lineSafeJson(JSON.stringify({ text: HOSTILE, ok: 'Grüße 名前 😀' }));
    expect(json).toMatch(/^[\x20-\x7E]*Grüße 名前 😀[\x20-\x7E]*$/u);
    expect(JSON.parse(json)).toEqual({ text: HOSTILE, ok: 'Grüße 名前 😀' });
  });
});

describe('terminalSafe', () => {
  it('shows unsafe characters as \\u{XXXX} and keeps tabs, newlines and letters', () => {
    expect(terminalSafe('ok\tGrüße\nevil\u202Eexe\u001B[2J\u3164')).toBe(
      'ok\tGrüße\nevil\\u{202E}exe\\u{001B}[2J\\u{3164}',
    );
  });
});

describe('asciiOnly', () => {
  it('escapes everything beyond printable ASCII, astral code points as one escape', () => {
    expect(asciiOnly('\u0430dmin 😀')).toBe('\\u{0430}dmin \\u{1F600}');
  });
});

import { jsonDepthExceeds } from './json-body-parser';

describe('jsonDepthExceeds', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('counts arrays and objects, up to and past the limit', () => {
    expect(jsonDepthExceeds(nested(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nested(33), 32)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(`{"password":"${'[{'.repeat(100)}"}`, 2)).toBe(false);
    expect(jsonDepthExceeds(`{"a":"\\"[[[[","b":1}`, 1)).toBe(false);
    expect(jsonDepthExceeds(`{"a":"\\\\","b":[[1]]}`, 2)).toBe(true);
  });

  it('stops at the first level past the limit (a long body is not scanned to the end)', () => {
    expect(jsonDepthExceeds(nested(5_000), 32)).toBe(true);
  });
});

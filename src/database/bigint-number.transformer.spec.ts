import { bigintNumber } from './bigint-number.transformer';

describe('bigintNumber', () => {
  it('reads the string the pg driver returns for a BIGINT as the number it holds', () => {
    expect(bigintNumber.from('1764201600000')).toBe(1_764_201_600_000);
    expect(bigintNumber.from(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('passes a number through (SQLite returns BIGINT as a number)', () => {
    expect(bigintNumber.from(42)).toBe(42);
    expect(bigintNumber.from(0)).toBe(0);
  });

  it('keeps NULL as null, not 0', () => {
    expect(bigintNumber.from(null)).toBeNull();
  });

  it('writes the number unchanged, and a missing value as missing', () => {
    expect(bigintNumber.to(1_764_201_600_000)).toBe(1_764_201_600_000);
    expect(bigintNumber.to(null)).toBeNull();
    expect(bigintNumber.to(undefined)).toBeUndefined();
  });
});

import type { ValueTransformer } from 'typeorm';

/**
 * BIGINT columns come back from the pg driver as strings (SQLite returns numbers). Every BIGINT here holds
 * epoch milliseconds, a counter or a chain position, all far below 2^53, so a double holds them exactly.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

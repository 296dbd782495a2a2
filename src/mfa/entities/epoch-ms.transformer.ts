import type { ValueTransformer } from 'typeorm';

/** BIGINT comes back from PostgreSQL as a string; epoch milliseconds and TOTP steps fit a double exactly. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

import type { ValueTransformer } from 'typeorm';

/**
 * Chain positions are BIGINT columns; the pg driver returns them as strings. As numbers they stay exact up
 * to 2^53 events, far beyond any audit log.
 */
export const seqTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

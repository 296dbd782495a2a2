import { createSecretKey } from 'node:crypto';
import { z } from 'zod';
import { duration, optionalInteger, raw, secret, trimmed } from './env-fields';

/** The audit log's signatures and retention. */
export const auditSchema = z
  .object({
    AUDIT_HMAC_KEY: secret(32),
    AUDIT_CHECKPOINT_INTERVAL: duration('1m'),
    AUDIT_RETENTION_DAYS: optionalInteger(1, 36_500),
    JWT_SECRET: raw(),
  })
  .superRefine((env, ctx) => {
    // One leaked secret must not let anyone both mint tokens and re-sign a rewritten audit log.
    if (env.AUDIT_HMAC_KEY !== undefined && env.AUDIT_HMAC_KEY === trimmed(env.JWT_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_HMAC_KEY'],
        message: 'must differ from JWT_SECRET',
      });
    }
  })
  .transform((env) => ({
    audit: {
      /** Signs chain checkpoints and the retention anchor; kept outside the database. Unset: no signatures. */
      hmacKey:
        env.AUDIT_HMAC_KEY === undefined
          ? undefined
          : createSecretKey(Buffer.from(env.AUDIT_HMAC_KEY)),
      checkpointIntervalMs: env.AUDIT_CHECKPOINT_INTERVAL,
      /** Unset: keep the audit log forever. */
      retentionDays: env.AUDIT_RETENTION_DAYS,
    },
  }));

export type AuditConfig = z.output<typeof auditSchema>['audit'];

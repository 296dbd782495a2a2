import { z } from 'zod';
import { optionalText, untrimmed } from './env-fields';

/** The first administrator, created on an empty database. */
export const adminSchema = z
  .object({
    AEGIS_ADMIN_USERNAME: optionalText(),
    AEGIS_ADMIN_PASSWORD: untrimmed(),
  })
  .superRefine((env, ctx) => {
    if ((env.AEGIS_ADMIN_USERNAME === undefined) !== (env.AEGIS_ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AEGIS_ADMIN_USERNAME'],
        message: 'and AEGIS_ADMIN_PASSWORD must be set together',
      });
    }
  })
  .transform((env) => ({
    admin: { username: env.AEGIS_ADMIN_USERNAME, password: env.AEGIS_ADMIN_PASSWORD },
    /** Create the first administrator on an empty database (the service does; the CLI does not). */
    bootstrapAdmin: true,
  }));

import { z } from 'zod';
import { adminSchema } from './admin.schema';
import { auditSchema } from './audit.schema';
import { databaseSchema } from './database.schema';
import { httpSchema } from './http.schema';
import { loginSchema } from './login.schema';
import { oidcSchema } from './oidc.schema';
import { mfaSchema } from './mfa.schema';
import { redisSchema } from './redis.schema';
import { serverSchema } from './server.schema';
import { tokensSchema } from './tokens.schema';

/** One schema per section; each reads its variables from the whole environment. */
export const CONFIG_SECTIONS = {
  server: serverSchema,
  database: databaseSchema,
  redis: redisSchema,
  tokens: tokensSchema,
  login: loginSchema,
  admin: adminSchema,
  audit: auditSchema,
  http: httpSchema,
  oidc: oidcSchema,
  mfa: mfaSchema,
};

/**
 * The whole configuration, parsed from the environment. Every section reads the variables it needs from the
 * same environment (a section's cross-field rules may read another's variable), so every section is checked
 * even when another fails; then the sections are laid out as the flat object the application reads.
 */
export const appConfigSchema = z
  .preprocess(
    (env) => Object.fromEntries(Object.keys(CONFIG_SECTIONS).map((name) => [name, env])),
    z.object(CONFIG_SECTIONS),
  )
  .transform(({ server, database, redis, tokens, login, admin, audit, http, oidc, mfa }) => ({
    ...server,
    database,
    ...redis,
    ...tokens,
    ...login,
    ...admin,
    ...http,
    ...audit,
    ...oidc,
    ...mfa,
  }));

export type AppConfigValues = z.output<typeof appConfigSchema>;

import { AuditAction } from './audit-action';

export type DetailType = 'string' | 'number' | 'boolean';

/** One detail key an action may write: its JSON type, whether null is a value, whether every row has it. */
export interface DetailKey {
  type: DetailType;
  nullable?: true;
  required?: true;
}

export type DetailSchema = Readonly<Record<string, DetailKey>>;

const text: DetailKey = { type: 'string' };
const textOrNull: DetailKey = { type: 'string', nullable: true };
const count: DetailKey = { type: 'number' };
const flag: DetailKey = { type: 'boolean' };
const required = (key: DetailKey): DetailKey => ({ ...key, required: true });

/** The command line acting instead of an administrator: `source: cli` and the OS account as `operator`. */
const CLI_OPERATOR = { source: text, operator: text };
/** What every row of a user administration carries: the account acted on (see user-administration.service). */
const ACCOUNT_ADMINISTRATION = { ...CLI_OPERATOR, target_username: required(text) };
/** Keys the flood rule writes on every refusal it audits (refusal-audit.service). */
const REFUSAL = { reason: required(text), suppressed: count };

/**
 * The detail keys of every action: one name for one thing everywhere (the account acted on is always
 * `target_username`; the name a sign-in was for is `username`). docs/audit.md lists the same keys per action
 * (a unit test compares them). Rows written before a key was renamed keep the old key: the hash chain covers
 * details, so old rows are never rewritten. `client_request_id` is added by the audit service itself.
 */
export const AUDIT_DETAIL_SCHEMAS: Readonly<Record<AuditAction, DetailSchema>> = {
  [AuditAction.LoginSuccess]: {
    username: required(text),
    session_id: required(text),
    amr: required(text),
    rehashed: flag,
  },
  [AuditAction.LoginFailed]: { username: text, reason: required(text), method: text },
  [AuditAction.Logout]: { scope: text, sessions_revoked: count },
  [AuditAction.TokenRefreshed]: { rotated: required(flag) },
  [AuditAction.RefreshTokenReused]: { retired_at: required(text), session_revoked: flag },
  [AuditAction.SessionRevoked]: {
    ...ACCOUNT_ADMINISTRATION,
    target_username: text,
    by: text,
    current: flag,
    scope: text,
    session_id: text,
    sessions_revoked: count,
  },
  [AuditAction.PasswordChanged]: { other_sessions_revoked: required(count) },
  [AuditAction.PasswordChangeFailed]: REFUSAL,
  [AuditAction.PasswordReset]: { ...ACCOUNT_ADMINISTRATION, sessions_revoked: count },
  [AuditAction.UserCreated]: {
    ...ACCOUNT_ADMINISTRATION,
    role: required(text),
    display_name: textOrNull,
    password_generated: flag,
  },
  [AuditAction.UserUpdated]: {
    ...ACCOUNT_ADMINISTRATION,
    display_name_before: textOrNull,
    display_name_after: textOrNull,
  },
  [AuditAction.UserDisabled]: {
    ...ACCOUNT_ADMINISTRATION,
    is_active_before: required(flag),
    is_active_after: required(flag),
    sessions_revoked: count,
  },
  [AuditAction.UserEnabled]: {
    ...ACCOUNT_ADMINISTRATION,
    is_active_before: required(flag),
    is_active_after: required(flag),
  },
  [AuditAction.RoleChanged]: {
    ...ACCOUNT_ADMINISTRATION,
    role_before: required(text),
    role_after: required(text),
  },
  [AuditAction.AccessDenied]: {
    ...REFUSAL,
    required_roles: text,
    role: textOrNull,
    origin: textOrNull,
    sec_fetch_site: textOrNull,
    names: text,
  },
  [AuditAction.TokenRejected]: REFUSAL,
  [AuditAction.RefreshRefused]: REFUSAL,
  [AuditAction.LoginLockoutCleared]: { ...ACCOUNT_ADMINISTRATION, had_lockout: required(flag) },
  [AuditAction.AuditPurged]: {
    purged: required(count),
    through_seq: required(count),
    before: required(text),
    days: required(count),
  },
  [AuditAction.OidcClientCreated]: {
    ...CLI_OPERATOR,
    name: required(text),
    public: required(flag),
    token_endpoint_auth_method: text,
    grant_types: required(text),
    redirect_uris: required(text),
  },
  [AuditAction.OidcClientUpdated]: { ...CLI_OPERATOR, changed: required(text) },
  [AuditAction.OidcClientDeleted]: CLI_OPERATOR,
  [AuditAction.OidcSignIn]: { scopes: required(text), amr: required(text) },
  [AuditAction.OidcTokenRevoked]: { token_type_hint: textOrNull },
  [AuditAction.OidcLogout]: {
    reason: required(text),
    clients: text,
    client_id: textOrNull,
    backchannel_notified: text,
    backchannel_failed: text,
  },
  [AuditAction.OidcKeyRotated]: { ...CLI_OPERATOR, added: required(text), activates_at: text },
  [AuditAction.AccessTokenKeyRotated]: {
    ...CLI_OPERATOR,
    added: required(text),
    activates_at: text,
  },
  [AuditAction.MfaEnrolled]: {
    kind: required(text),
    recovery_codes_issued: count,
    user_verified: flag,
  },
  [AuditAction.MfaRemoved]: { kind: required(text), factors_left: count },
  [AuditAction.MfaVerified]: { method: required(text) },
  [AuditAction.MfaFailed]: {
    ...REFUSAL,
    method: text,
    factor_id: text,
    passwordless: flag,
    stored_sign_count: count,
    presented_sign_count: count,
  },
  [AuditAction.MfaCodeReused]: { ...REFUSAL, method: text },
  [AuditAction.RecoveryCodeUsed]: { recovery_codes_left: required(count) },
  [AuditAction.RecoveryCodesRegenerated]: { count: required(count) },
  [AuditAction.PasskeyLogin]: { username: required(text), session_id: required(text) },
  [AuditAction.MfaReset]: {
    ...ACCOUNT_ADMINISTRATION,
    factors_removed: count,
    sessions_revoked: count,
  },
  [AuditAction.Reauthenticated]: { method: required(text) },
  [AuditAction.SessionsRevokedAll]: {
    ...CLI_OPERATOR,
    sessions_ended: count,
    oidc_grants_ended: count,
    oidc_artifacts_deleted: count,
  },
  [AuditAction.DatabaseRestored]: {
    ...CLI_OPERATOR,
    file: required(text),
    keep_sessions: required(flag),
    sessions_ended: count,
    oidc_grants_ended: count,
    oidc_artifacts_deleted: count,
  },
};

/** What is wrong with `details` for `action`, in words; empty when they fit its schema. */
export function detailProblems(action: AuditAction, details: Record<string, unknown>): string[] {
  const schema = AUDIT_DETAIL_SCHEMAS[action] as DetailSchema | undefined;
  if (!schema) return [`no detail schema for action ${String(action)}`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    // An undefined value is dropped by the JSON column: the row will not have the key.
    if (value === undefined) continue;
    const spec = schema[key] as DetailKey | undefined;
    if (!Object.hasOwn(schema, key) || !spec) problems.push(`unknown key ${key}`);
    else if (value === null ? !spec.nullable : typeof value !== spec.type)
      problems.push(`${key} must be ${spec.type}${spec.nullable ? ' or null' : ''}`);
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.required && details[key] === undefined) problems.push(`missing ${key}`);
  }
  return problems;
}

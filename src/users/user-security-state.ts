/** The second factors an account can answer with, as an administrator sees them (never a secret). */
export interface SecondFactorSummary {
  /** A confirmed authenticator-app (TOTP) factor. */
  totp: boolean;
  /** Confirmed passkeys (WebAuthn credentials). */
  passkeys: number;
  /** Recovery codes not yet spent. */
  recoveryCodesLeft: number;
}

export interface UserSecurityState {
  /** The account-wide login lock while it runs; null when the account may try its password now. */
  lockedUntil: Date | null;
  secondFactors: SecondFactorSummary;
}

export const NO_SECURITY_STATE: UserSecurityState = {
  lockedUntil: null,
  secondFactors: { totp: false, passkeys: 0, recoveryCodesLeft: 0 },
};

/**
 * Where the login lockout (auth) and the second factors (mfa) report on accounts. Both features build on users,
 * so users cannot ask them: they provide this, and the application hands it to UsersModule.register. Called once
 * per page of users with all its ids, so a page costs a fixed number of queries whatever its size.
 */
export abstract class UserSecurityStates {
  /** The state of each of these accounts; an id missing from the map has none to report (NO_SECURITY_STATE). */
  abstract of(userIds: readonly string[]): Promise<Map<string, UserSecurityState>>;
}

/**
 * How a session's holder proved who they are (RFC 8176 `amr` values): stored on the session, shown in the
 * login audit row, and read by the second-factor policy.
 */
export enum AuthMethod {
  /** The account's password. */
  Password = 'pwd',
  /** A one-time code: TOTP or a recovery code. */
  OneTimeCode = 'otp',
  /** Proof of possession of a hardware-bound key (a passkey). */
  HardwareKey = 'hwk',
  /** The authenticator verified the user (PIN or biometric): with `hwk`, two factors in one. */
  UserVerification = 'user',
}

/** Whether these methods add up to more than one factor. */
export function isMultiFactor(amr: readonly string[]): boolean {
  const hasPassword = amr.includes(AuthMethod.Password);
  const hasCode = amr.includes(AuthMethod.OneTimeCode);
  const hasKey = amr.includes(AuthMethod.HardwareKey);
  return (
    (hasPassword && (hasCode || hasKey)) || (hasKey && amr.includes(AuthMethod.UserVerification))
  );
}

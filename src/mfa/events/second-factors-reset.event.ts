/**
 * Published (in the reset's transaction) when every second factor of a user was removed: whatever waits for one
 * of them — a login between its password and its factor — ends with them.
 */
export class SecondFactorsReset {
  static readonly event = 'mfa.second-factors-reset';
  constructor(readonly userId: string) {}
}

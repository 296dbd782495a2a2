import { AuditService } from '../../src/audit/audit.service';
import { RefusalAudit } from '../../src/audit/refusal-audit.service';
import type { LoginChallenge } from '../../src/auth/login/login-challenge/login-challenge.entity';
import { LoginChallengesService } from '../../src/auth/login/login-challenge/login-challenges.service';
import { SecondFactorService } from '../../src/mfa/second-factor.service';
import { MfaMethod } from '../../src/common/access/mfa-method';
import { WebAuthnAssertionsService } from '../../src/mfa/webauthn-assertions.service';
import { UsersService } from '../../src/users/users.service';
import { automock } from './automock';
import { GRANT, NOW, user } from './auth-fixtures';
import { LoginLockoutService } from '../../src/auth/lockout/login-lockout.service';
import { SecondFactorStepService } from '../../src/auth/login/second-factor-step.service';
import { SessionGrantsService } from '../../src/auth/session-grants.service';

/** The challenge the password step left: alice, signed in through the API. */
export const CHALLENGE = {
  id: 'c-1',
  userId: 'u-1',
  accountKey: 'u:u-1',
  passwordChangedAtMs: NOW.getTime(),
  client: 'api',
} as LoginChallenge;

/**
 * SecondFactorStepService with doubles for the rest: the challenge takes an attempt, the lockout allows it,
 * the code checks as a TOTP code, alice is found and the session opens.
 */
export function secondFactorStep() {
  const grants = automock(SessionGrantsService);
  grants.login.mockResolvedValue(GRANT);
  const secondFactor = automock(SecondFactorService);
  secondFactor.methodsOf.mockResolvedValue([]);
  secondFactor.checkCode.mockResolvedValue({ ok: true, method: MfaMethod.Totp, factorId: 'f-1' });
  const webauthn = automock(WebAuthnAssertionsService);
  const challenges = automock(LoginChallengesService);
  challenges.takeAttempt.mockResolvedValue(CHALLENGE);
  const lockout = automock(LoginLockoutService);
  lockout.beginAttempt.mockResolvedValue({ allowed: true });
  const users = automock(UsersService);
  users.findById.mockResolvedValue(user());
  const audit = automock(AuditService);
  const refusals = automock(RefusalAudit);
  challenges.spendWebAuthnChallenge.mockResolvedValue(true);
  const service = new SecondFactorStepService(
    challenges,
    secondFactor,
    webauthn,
    grants,
    lockout,
    users,
    audit,
    refusals,
  );
  return { grants, secondFactor, webauthn, challenges, lockout, users, audit, refusals, service };
}

import { randomBytes } from 'node:crypto';
import { MfaMethod } from '../common/access/mfa-method';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/crypto/secret-box';
import { FakeClock } from '../../test/support/fake-clock';
import { passkeyFactor, totpFactor } from '../../test/support/mfa-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { nextStep, totpCode, wrongCode } from '../../test/support/totp';
import type { MfaFactor } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { hashRecoveryCode, newRecoveryCode } from './recovery-codes';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { SecondFactorService, secretBinding } from './second-factor.service';
import { newTotpSecret } from './totp';

const STEP_MS = 30_000;

/**
 * The repositories' doubles answer as their conditional statements do: a TOTP step is accepted only after the
 * last accepted one, a recovery code (stored as its hash) once. Alice is u-1.
 */
function setup() {
  const clock = new FakeClock();
  nextStep(clock);
  clock.advance(10_000);
  const box = new SecretBox(randomBytes(32));
  const { service, double } = newTestService(
    SecondFactorService,
    provide(Clock, clock),
    provide(SecretBox, box),
  );
  const confirmed = new Map<string, MfaFactor[]>();
  const factors = double(MfaFactorsRepository);
  factors.findConfirmed.mockImplementation(async (userId) => confirmed.get(userId) ?? []);
  factors.countConfirmed.mockImplementation(async (userId) => confirmed.get(userId)?.length ?? 0);
  const lastSteps = new Map<string, number>();
  factors.acceptStep.mockImplementation(async (id, step) => {
    const last = lastSteps.get(id);
    if (last !== undefined && last >= step) return false;
    lastSteps.set(id, step);
    return true;
  });
  const unused = new Map<string, Set<string>>();
  const recoveryCodes = double(RecoveryCodesRepository);
  recoveryCodes.countUnused.mockImplementation(async (userId) => unused.get(userId)?.size ?? 0);
  recoveryCodes.use.mockImplementation(
    async (userId, hash) => unused.get(userId)?.delete(hash) ?? false,
  );

  /** An authenticator app of the user's, its secret sealed to its row; returns the secret. */
  const addTotp = (userId: string, id: string) => {
    const secret = newTotpSecret();
    const factor = totpFactor({ id, userId });
    factor.secretCiphertext = box.seal(secret, secretBinding(factor));
    confirmed.set(userId, [...(confirmed.get(userId) ?? []), factor]);
    return secret;
  };
  const addPasskey = (userId: string) =>
    confirmed.set(userId, [...(confirmed.get(userId) ?? []), passkeyFactor({ userId })]);
  /** Recovery codes of the user's, stored as their hashes; returns them as the user got them. */
  const addRecoveryCodes = (userId: string, count: number) => {
    const codes = Array.from({ length: count }, () => newRecoveryCode());
    unused.set(userId, new Set(codes.map((code) => hashRecoveryCode(userId, code))));
    return codes;
  };
  return {
    service,
    clock,
    box,
    factors,
    recoveryCodes,
    confirmed,
    lastSteps,
    addTotp,
    addPasskey,
    addRecoveryCodes,
  };
}

describe('SecondFactorService.methodsOf', () => {
  it('lists the kinds of confirmed factor, then recovery codes while any are left', async () => {
    const rig = setup();
    rig.addPasskey('u-1');
    rig.addTotp('u-1', 'f-1');
    rig.addTotp('u-1', 'f-2');
    rig.addRecoveryCodes('u-1', 2);
    expect(await rig.service.methodsOf('u-1')).toEqual(['totp', 'webauthn', 'recovery_code']);
  });

  it('leaves out recovery codes when all are used, and kinds the user does not have', async () => {
    const rig = setup();
    rig.addTotp('u-1', 'f-1');
    rig.addRecoveryCodes('u-1', 0);
    expect(await rig.service.methodsOf('u-1')).toEqual(['totp']);
    const other = setup();
    other.addPasskey('u-1');
    other.addRecoveryCodes('u-1', 1);
    expect(await other.service.methodsOf('u-1')).toEqual(['webauthn', 'recovery_code']);
  });

  it('gives no method to a user without a factor, even with recovery codes left', async () => {
    const rig = setup();
    rig.addRecoveryCodes('u-1', 10);
    rig.addTotp('u-2', 'f-bob');
    expect(await rig.service.methodsOf('u-1')).toEqual([]);
  });
});

describe('SecondFactorService.hasAny', () => {
  it("answers with the user's confirmed factors", async () => {
    const rig = setup();
    rig.factors.hasConfirmed.mockImplementation(async (userId) => userId === 'u-1');
    expect(await rig.service.hasAny('u-1')).toBe(true);
    expect(await rig.service.hasAny('u-2')).toBe(false);
  });
});

describe('SecondFactorService.checkCode: TOTP', () => {
  it('accepts the current code once, spending its time step on the factor', async () => {
    const rig = setup();
    const secret = rig.addTotp('u-1', 'f-1');
    expect(await rig.service.checkCode('u-1', MfaMethod.Totp, totpCode(secret, rig.clock))).toEqual(
      {
        ok: true,
        method: 'totp',
        factorId: 'f-1',
      },
    );
    const step = Math.floor(rig.clock.now().getTime() / STEP_MS);
    expect(rig.factors.acceptStep).toHaveBeenCalledWith('f-1', step, rig.clock.now());
  });

  it('refuses a replayed code as reused', async () => {
    const rig = setup();
    const secret = rig.addTotp('u-1', 'f-1');
    const code = totpCode(secret, rig.clock);
    await rig.service.checkCode('u-1', MfaMethod.Totp, code);
    expect(await rig.service.checkCode('u-1', MfaMethod.Totp, code)).toEqual({
      ok: false,
      reason: 'reused',
    });
  });

  it("refuses the previous step's code once the current one was accepted", async () => {
    const rig = setup();
    const secret = rig.addTotp('u-1', 'f-1');
    await rig.service.checkCode('u-1', MfaMethod.Totp, totpCode(secret, rig.clock));
    const earlier = await rig.service.checkCode(
      'u-1',
      MfaMethod.Totp,
      totpCode(secret, rig.clock, -1),
    );
    expect(earlier).toEqual({ ok: false, reason: 'reused' });
  });

  it('accepts a code one step off either way, not two, and forgives spaces around it', async () => {
    const rig = setup();
    const secret = rig.addTotp('u-1', 'f-1');
    const check = (code: string) => rig.service.checkCode('u-1', MfaMethod.Totp, code);
    expect(await check(totpCode(secret, rig.clock, -2))).toEqual({ ok: false, reason: 'invalid' });
    expect(await check(totpCode(secret, rig.clock, 2))).toEqual({ ok: false, reason: 'invalid' });
    expect(await check(` ${totpCode(secret, rig.clock, -1)} `)).toMatchObject({ ok: true });
    expect(await check(totpCode(secret, rig.clock, 1))).toMatchObject({ ok: true });
  });

  it('accepts a code typed as authenticator apps show it, with a space in the middle', async () => {
    const rig = setup();
    const secret = rig.addTotp('u-1', 'f-1');
    const code = totpCode(secret, rig.clock);
    expect(
      await rig.service.checkCode('u-1', MfaMethod.Totp, `${code.slice(0, 3)} ${code.slice(3)}`),
    ).toMatchObject({ ok: true });
  });

  it('refuses a wrong code without spending a step', async () => {
    const rig = setup();
    const secret = rig.addTotp('u-1', 'f-1');
    const check = await rig.service.checkCode('u-1', MfaMethod.Totp, wrongCode(secret, rig.clock));
    expect(check).toEqual({ ok: false, reason: 'invalid' });
    expect(rig.factors.acceptStep).not.toHaveBeenCalled();
  });

  it("checks every authenticator app of the user's, and only the user's", async () => {
    const rig = setup();
    rig.addTotp('u-1', 'f-1');
    const second = rig.addTotp('u-1', 'f-2');
    const bobs = rig.addTotp('u-2', 'f-bob');
    expect(await rig.service.checkCode('u-1', MfaMethod.Totp, totpCode(second, rig.clock))).toEqual(
      { ok: true, method: 'totp', factorId: 'f-2' },
    );
    expect(await rig.service.checkCode('u-1', MfaMethod.Totp, totpCode(bobs, rig.clock))).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('says not enrolled to a user without an authenticator app', async () => {
    const rig = setup();
    rig.addPasskey('u-1');
    rig.confirmed.get('u-1')!.push(totpFactor({ secretCiphertext: null }));
    rig.addRecoveryCodes('u-1', 3);
    expect(await rig.service.checkCode('u-1', MfaMethod.Totp, '123456')).toEqual({
      ok: false,
      reason: 'not_enrolled',
    });
  });

  it("does not open a secret copied into another factor's row", async () => {
    const rig = setup();
    rig.addTotp('u-1', 'f-1');
    const [factor] = rig.confirmed.get('u-1')!;
    rig.confirmed.set('u-2', [totpFactor({ ...factor, id: 'f-2', userId: 'u-2' })]);
    await expect(rig.service.checkCode('u-2', MfaMethod.Totp, '123456')).rejects.toThrow();
  });

  it('does not take a recovery code for a TOTP code', async () => {
    const rig = setup();
    rig.addTotp('u-1', 'f-1');
    const [code] = rig.addRecoveryCodes('u-1', 1);
    expect(await rig.service.checkCode('u-1', MfaMethod.Totp, code)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await rig.service.methodsOf('u-1')).toContain('recovery_code');
  });
});

describe('SecondFactorService.checkCode: recovery codes', () => {
  it('spends a code once, as typed in any case and spacing, and says how many are left', async () => {
    const rig = setup();
    rig.addTotp('u-1', 'f-1');
    const [code] = rig.addRecoveryCodes('u-1', 3);
    const typed = ` ${code.toLowerCase().replace(/-/g, ' ')} `;
    expect(await rig.service.checkCode('u-1', MfaMethod.RecoveryCode, typed)).toEqual({
      ok: true,
      method: 'recovery_code',
      recoveryCodesLeft: 2,
    });
    expect(rig.recoveryCodes.use).toHaveBeenCalledWith(
      'u-1',
      hashRecoveryCode('u-1', code),
      rig.clock.now(),
    );
    expect(await rig.service.checkCode('u-1', MfaMethod.RecoveryCode, code)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it("refuses another user's code and a made-up one", async () => {
    const rig = setup();
    rig.addPasskey('u-1');
    rig.addRecoveryCodes('u-1', 1);
    rig.addPasskey('u-2');
    const [bobs] = rig.addRecoveryCodes('u-2', 1);
    for (const code of [bobs, newRecoveryCode()])
      expect(await rig.service.checkCode('u-1', MfaMethod.RecoveryCode, code)).toEqual({
        ok: false,
        reason: 'invalid',
      });
    expect(await rig.service.methodsOf('u-2')).toContain('recovery_code');
  });

  it('says not enrolled, spending nothing, once the user has no factor left', async () => {
    const rig = setup();
    const [code] = rig.addRecoveryCodes('u-1', 2);
    expect(await rig.service.checkCode('u-1', MfaMethod.RecoveryCode, code)).toEqual({
      ok: false,
      reason: 'not_enrolled',
    });
    expect(rig.recoveryCodes.use).not.toHaveBeenCalled();
  });
});

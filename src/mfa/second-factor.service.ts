import { Injectable } from '@nestjs/common';
import { MfaMethod, type CodeMethod } from '../common/access/mfa-method';
import { Clock } from '../common/clock';
import { FactorKind, type MfaFactor } from './entities/mfa-factor.entity';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { hashRecoveryCode } from './recovery-codes';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { SecretBox } from '../common/crypto/secret-box';
import { matchingStep } from './totp';

export type CodeCheck =
  | { ok: true; method: CodeMethod; factorId?: string; recoveryCodesLeft?: number }
  | { ok: false; reason: 'invalid' | 'reused' | 'not_enrolled' };

/** The AAD of a factor's sealed secret: the row it belongs to. */
export const secretBinding = (factor: Pick<MfaFactor, 'id' | 'userId'>) =>
  `mfa_factors:${factor.id}:${factor.userId}`;

/**
 * Checks a one-time code of a user. A right code is spent in the same step, by one conditional UPDATE: a TOTP
 * time step is accepted once and only after the last accepted one, a recovery code once. Nothing here counts
 * attempts or audits: the caller (a login challenge, a reauthentication) decides what a wrong code costs.
 */
@Injectable()
export class SecondFactorService {
  constructor(
    private readonly factors: MfaFactorsRepository,
    private readonly recoveryCodes: RecoveryCodesRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** The methods this user has: confirmed factor kinds, and recovery codes while any are left. */
  async methodsOf(userId: string): Promise<MfaMethod[]> {
    const kinds = new Set((await this.factors.findConfirmed(userId)).map((factor) => factor.kind));
    if (kinds.size === 0) return [];
    const methods: MfaMethod[] = [];
    if (kinds.has(FactorKind.Totp)) methods.push(MfaMethod.Totp);
    if (kinds.has(FactorKind.WebAuthn)) methods.push(MfaMethod.WebAuthn);
    if ((await this.recoveryCodes.countUnused(userId)) > 0) methods.push(MfaMethod.RecoveryCode);
    return methods;
  }

  /** Whether the user has any confirmed factor (recovery codes alone are not one). */
  hasAny(userId: string): Promise<boolean> {
    return this.factors.hasConfirmed(userId);
  }

  async checkCode(userId: string, method: CodeMethod, code: string): Promise<CodeCheck> {
    return method === MfaMethod.Totp
      ? this.checkTotp(userId, code)
      : this.checkRecoveryCode(userId, code);
  }

  private async checkTotp(userId: string, code: string): Promise<CodeCheck> {
    const now = this.clock.now();
    const totps = (await this.factors.findConfirmed(userId)).filter(
      (factor) => factor.kind === FactorKind.Totp && factor.secretCiphertext !== null,
    );
    if (totps.length === 0) return { ok: false, reason: 'not_enrolled' };
    for (const factor of totps) {
      const secret = this.box.open(factor.secretCiphertext!, secretBinding(factor));
      // Apps show the code as `123 456`: a space typed inside it is not part of it.
      const step = matchingStep(secret, code.replace(/\s/g, ''), now.getTime());
      if (step === null) continue;
      if (!(await this.factors.acceptStep(factor.id, step, now)))
        return { ok: false, reason: 'reused' };
      return { ok: true, method: MfaMethod.Totp, factorId: factor.id };
    }
    return { ok: false, reason: 'invalid' };
  }

  private async checkRecoveryCode(userId: string, code: string): Promise<CodeCheck> {
    if ((await this.factors.countConfirmed(userId)) === 0)
      return { ok: false, reason: 'not_enrolled' };
    const used = await this.recoveryCodes.use(
      userId,
      hashRecoveryCode(userId, code),
      this.clock.now(),
    );
    if (!used) return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      method: MfaMethod.RecoveryCode,
      recoveryCodesLeft: await this.recoveryCodes.countUnused(userId),
    };
  }
}

import type { Principal } from '../../src/common/access/principal';
import { FactorKind, MfaFactor } from '../../src/mfa/entities/mfa-factor.entity';
import { account, NOW, session } from './auth-fixtures';

/** Alice (u-1) signed in with her password on session s-1, as the mfa specs see her. */
export const principal = (): Principal => ({ user: account(), session: session() });

/** A confirmed authenticator app of alice's. */
export function totpFactor(overrides: Partial<MfaFactor> = {}): MfaFactor {
  return Object.assign(new MfaFactor(), {
    id: 'f-totp',
    userId: 'u-1',
    kind: FactorKind.Totp,
    label: 'Authenticator app',
    secretCiphertext: 'sealed',
    lastStep: null,
    credentialId: null,
    publicKey: null,
    signCount: null,
    transports: null,
    confirmedAt: NOW,
    createdAt: NOW,
    lastUsedAt: null,
    ...overrides,
  });
}

/** A passkey of alice's. */
export function passkeyFactor(overrides: Partial<MfaFactor> = {}): MfaFactor {
  return totpFactor({
    id: 'f-key',
    kind: FactorKind.WebAuthn,
    label: 'Passkey',
    secretCiphertext: null,
    credentialId: 'cred-1',
    publicKey: 'pk',
    signCount: 0,
    transports: 'usb',
    ...overrides,
  });
}

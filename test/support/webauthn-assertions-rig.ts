import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Clock } from '../../src/common/clock';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { FrozenClock } from './auth-fixtures';
import { passkeyFactor } from './mfa-fixtures';
import { newTestService, provide } from './test-service';
import { cbor, SoftwareAuthenticator, type StoredCredential } from './webauthn-authenticator';
import type { MfaFactor } from '../../src/mfa/entities/mfa-factor.entity';
import { MfaFactorsRepository } from '../../src/mfa/mfa-factors.repository';
import { WebAuthnAssertionsService } from '../../src/mfa/webauthn-assertions.service';
import { WebAuthnCeremoniesRepository } from '../../src/mfa/webauthn-ceremonies.repository';
import { hashChallenge } from '../../src/mfa/webauthn-credentials';
import { WebAuthnRelyingParty } from '../../src/mfa/webauthn-relying-party';

export const ORIGIN = 'https://id.example.com';

/** A passkey of `userId`'s made by `authenticator` for id.example.com, as a registration stores it. */
export function enrolPasskey(
  authenticator: SoftwareAuthenticator,
  userId = 'u-1',
  overrides: Partial<MfaFactor> = {},
): { factor: MfaFactor; credential: StoredCredential } {
  const user = { id: Buffer.from(userId).toString('base64url') };
  authenticator.register({ challenge: 'enrolment', rp: { id: 'id.example.com' }, user });
  const credential = authenticator.credentials.at(-1)!;
  const jwk = credential.publicKey.export({ format: 'jwk' });
  const coseKey = cbor(
    new Map<number, number | Buffer>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const factor = passkeyFactor({
    id: `f-${userId}-${authenticator.credentials.length}`,
    userId,
    credentialId: credential.id.toString('base64url'),
    publicKey: coseKey.toString('base64url'),
    transports: 'internal',
    ...overrides,
  });
  return { factor, credential };
}

/**
 * The relying party answers for the origin the request reached (so a service that forgot to pass it on would
 * verify against http://localhost); the ceremonies' double keeps opened challenges (as their hashes) and spends
 * each once; the factors' double moves a counter only forward, as its conditional UPDATE does.
 */
export function webauthnAssertions() {
  const { service, double } = newTestService(
    WebAuthnAssertionsService,
    provide(Clock, new FrozenClock()),
  );
  double(WebAuthnRelyingParty).of.mockImplementation((origin) => {
    const own = origin ?? 'http://localhost';
    return { id: new URL(own).hostname, name: 'Aegis', origins: [own] };
  });
  const passkeys: MfaFactor[] = [];
  const factors = double(MfaFactorsRepository);
  factors.findConfirmed.mockImplementation(async (userId) =>
    passkeys.filter((factor) => factor.userId === userId),
  );
  factors.findPasskey.mockImplementation(
    async (id) => passkeys.find((factor) => factor.credentialId === id) ?? null,
  );
  factors.advanceSignCount.mockImplementation(async (id, count) => {
    const factor = passkeys.find((candidate) => candidate.id === id)!;
    const stored = factor.signCount ?? 0;
    if (!(stored < count || (stored === 0 && count === 0))) return false;
    factor.signCount = count;
    return true;
  });
  const open = new Set<string>();
  const ceremonies = double(WebAuthnCeremoniesRepository);
  ceremonies.open.mockImplementation(async (challenge, purpose) => {
    open.add(`${purpose}:${hashChallenge(challenge)}`);
  });
  ceremonies.take.mockImplementation(async (hash, purpose) => open.delete(`${purpose}:${hash}`));
  const separately: string[] = [];
  const unitOfWork = double(UnitOfWork);
  unitOfWork.runSeparately.mockImplementation(async (work) => {
    separately.push('begin');
    try {
      return await work();
    } finally {
      separately.push('commit');
    }
  });
  const authenticator = new SoftwareAuthenticator(ORIGIN);
  /** Stores a passkey of the user's (made by this rig's authenticator unless another is given). */
  const enrol = (userId = 'u-1', overrides: Partial<MfaFactor> = {}, by = authenticator) => {
    const enrolled = enrolPasskey(by, userId, overrides);
    passkeys.push(enrolled.factor);
    return enrolled;
  };
  return { service, factors, ceremonies, unitOfWork, separately, authenticator, passkeys, enrol };
}

export type Rig = ReturnType<typeof webauthnAssertions>;

/** The browser's answer to request options, as JSON reaches the server. */
export const answer = (
  authenticator: SoftwareAuthenticator,
  options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] },
  overrides: Parameters<SoftwareAuthenticator['authenticate']>[1] = {},
) => authenticator.authenticate(options, overrides) as AuthenticationResponseJSON;

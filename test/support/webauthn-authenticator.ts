import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software authenticator (CTAP2 as a browser relays it): ES256 keys from node:crypto, `none` attestation in
 * CBOR, assertions signed over authenticatorData ‖ SHA-256(clientDataJSON). It produces the JSON
 * @simplewebauthn/browser hands to a server, so the e2e tests exercise the real verification, not a mock.
 */

type Cbor = number | string | Buffer | Map<Cbor, Cbor> | { [key: string]: Cbor };

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) {
    const out = Buffer.alloc(3);
    out[0] = (major << 5) | 25;
    out.writeUInt16BE(length, 1);
    return out;
  }
  const out = Buffer.alloc(5);
  out[0] = (major << 5) | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

/** The CBOR subset WebAuthn needs: integers, byte and text strings, maps. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const entries: [Cbor, Cbor][] =
    value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([
    head(5, entries.length),
    ...entries.flatMap(([key, item]) => [cbor(key), cbor(item)]),
  ]);
}

const b64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest();

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface StoredCredential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  /** base64url, as the options carried it. */
  userHandle: string;
  signCount: number;
}

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  /** Use this challenge instead of the options' one. */
  challenge?: string;
  userVerified?: boolean;
  /** Sign with this counter (then the authenticator remembers it). */
  signCount?: number;
  /** Answer with this credential (default: the first one the options allow, or the first stored). */
  credential?: StoredCredential;
}

export interface CreationOptions {
  [key: string]: unknown;
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

export interface RequestOptions {
  [key: string]: unknown;
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

export class SoftwareAuthenticator {
  readonly credentials: StoredCredential[] = [];

  /** `counterStep` 0 behaves like an authenticator that keeps no counter. */
  constructor(
    private readonly origin: string,
    private readonly counterStep = 1,
  ) {}

  /** navigator.credentials.create() for these options: a new ES256 credential. */
  register(options: CreationOptions, overrides: CeremonyOverrides = {}, reuse?: StoredCredential) {
    const rpId = overrides.rpId ?? options.rp.id!;
    const credential: StoredCredential = reuse ?? {
      id: randomBytes(32),
      ...generateKeyPairSync('ec', { namedCurve: 'P-256' }),
      rpId,
      userHandle: options.user.id,
      signCount: 0,
    };
    if (!reuse) this.credentials.push(credential);
    const jwk = credential.publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([UP | AT | (overrides.userVerified === false ? 0 : UV)]),
      Buffer.alloc(4),
      Buffer.alloc(16),
      idLength,
      credential.id,
      coseKey,
    ]);
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.create',
      challenge: overrides.challenge ?? options.challenge,
      origin: overrides.origin ?? this.origin,
      crossOrigin: false,
    });
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key' as const,
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get() for these options: an assertion signed by the credential. */
  authenticate(options: RequestOptions, overrides: CeremonyOverrides = {}) {
    const allowed = options.allowCredentials?.map((descriptor) => descriptor.id);
    const credential =
      overrides.credential ??
      this.credentials.find((candidate) => !allowed || allowed.includes(b64url(candidate.id)));
    if (!credential) throw new Error('No credential of this authenticator is allowed');
    credential.signCount = overrides.signCount ?? credential.signCount + this.counterStep;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.signCount);
    const authData = Buffer.concat([
      sha256(overrides.rpId ?? options.rpId ?? credential.rpId),
      Buffer.from([UP | (overrides.userVerified === false ? 0 : UV)]),
      counter,
    ]);
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.get',
      challenge: overrides.challenge ?? options.challenge,
      origin: overrides.origin ?? this.origin,
      crossOrigin: false,
    });
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      credential.privateKey,
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key' as const,
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
    };
  }
}

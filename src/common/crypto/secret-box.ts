import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secrets kept in the database (second-factor secrets, the provider's private signing keys): a
 * fresh 96-bit IV per value, and `context` (the owning row) bound as additional data, so a ciphertext copied
 * into another row does not open there. A database dump without the key reveals nothing.
 *
 * Sealed text is `v1.<iv ‖ tag ‖ ciphertext>` in base64url. Values sealed before the MFA and OpenID boxes became
 * this one stay readable: MFA wrote that same form, the OpenID key store `v1.<iv>.<tag>.<ciphertext>` (the same
 * cipher, parameters and additional data, only split in three); both open here.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Throws when the key is wrong, the text was altered, or it was sealed for another context. */
  open(sealed: string, context: string): string {
    const { iv, tag, body } = parse(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

function parse(sealed: string): { iv: Buffer; tag: Buffer; body: Buffer } {
  const parts = sealed.split('.');
  if (parts[0] === VERSION && parts.length === 2) {
    const bytes = Buffer.from(parts[1], 'base64url');
    if (bytes.length >= IV_BYTES + TAG_BYTES)
      return {
        iv: bytes.subarray(0, IV_BYTES),
        tag: bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
        body: bytes.subarray(IV_BYTES + TAG_BYTES),
      };
  }
  if (parts[0] === VERSION && parts.length === 4) {
    const [, iv, tag, body] = parts.map((part) => Buffer.from(part, 'base64url'));
    if (iv.length === IV_BYTES && tag.length === TAG_BYTES) return { iv, tag, body };
  }
  throw new Error('Unknown sealed secret format');
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditAction } from '../src/audit/audit-action';
import { normalizeRecoveryCode } from '../src/mfa/recovery-codes';
import { passwordStep, withTotp } from './factories/mfa.factory';
import { logIn } from './factories/session.factory';
import { createUser } from './factories/user.factory';
import { chain } from './support/audit-chain';
import { createTestApp, type TestApp } from './support/test-app';
import { totpCode, wrongCode } from './support/totp';

/**
 * Everything second factors create, then a search of every column of every table, the audit log and what the
 * service printed, for a TOTP secret, a recovery code, a challenge token or the encryption key.
 */
describe('no second-factor secret in the database, the audit log or the logs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('after enrolment, challenges, wrong and right codes, recovery codes and their renewal', async () => {
    const printed: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    const spies = [capture(process.stdout), capture(process.stderr)];
    const secrets = new Set<string>();
    try {
      const mia = await createUser(t);
      const { secret, recoveryCodes } = await withTotp(t, mia);
      secrets.add(secret);
      for (const code of recoveryCodes) {
        secrets.add(code);
        secrets.add(normalizeRecoveryCode(code));
      }
      const token = await passwordStep(t, mia);
      secrets.add(token);
      await t
        .http()
        .post('/auth/mfa/verify')
        .send({ mfa_token: token, method: 'totp', code: wrongCode(secret, t.clock) });
      const verified = await t
        .http()
        .post('/auth/mfa/verify')
        .send({ mfa_token: token, method: 'recovery_code', code: recoveryCodes[0] });
      expect(verified.status).toBe(200);
      const renewed = await t
        .http()
        .post('/auth/mfa/recovery-codes')
        .set('Authorization', `Bearer ${verified.body.access_token}`);
      for (const code of renewed.body.recovery_codes as string[]) secrets.add(code);
      const again = await passwordStep(t, mia);
      secrets.add(again);
      expect(
        (
          await t
            .http()
            .post('/auth/mfa/verify')
            .send({ mfa_token: again, method: 'totp', code: totpCode(secret, t.clock) })
        ).status,
      ).toBe(200);
      await logIn(t, { username: 'root-admin', password: 'bootstrap admin passphrase' });
      const key = readFileSync(join(t.config.dataDir, 'mfa-encryption-key'), 'utf8').trim();
      secrets.add(key);
      secrets.add(t.config.mfa.encryptionKey.toString('base64'));
      secrets.add(t.config.mfa.encryptionKey.toString('hex'));

      const actions = new Set((await chain(t)).map((event) => event.action));
      for (const action of [
        AuditAction.MfaEnrolled,
        AuditAction.MfaFailed,
        AuditAction.MfaVerified,
        AuditAction.RecoveryCodeUsed,
        AuditAction.RecoveryCodesRegenerated,
      ])
        expect(actions).toContain(action);

      const tables = t.dataSource.entityMetadatas.map((metadata) => metadata.tableName);
      expect(tables).toEqual(
        expect.arrayContaining(['mfa_factors', 'mfa_recovery_codes', 'mfa_challenges']),
      );
      const everything = JSON.stringify(
        await Promise.all(tables.map((table) => t.dataSource.query(`SELECT * FROM ${table}`))),
      );
      expect(secrets.size).toBeGreaterThan(20);
      for (const value of secrets) {
        expect({ value, inDatabase: everything.includes(value) }).toEqual({
          value,
          inDatabase: false,
        });
        expect({ value, inLogs: printed.join('').includes(value) }).toEqual({
          value,
          inLogs: false,
        });
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

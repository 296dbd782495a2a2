import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';

const base = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'aegis-config-')) });

describe('audit configuration', () => {
  it('keeps the audit log forever, unsigned, by default', () => {
    const { audit } = loadConfig(base());
    expect(audit).toEqual({
      hmacKey: undefined,
      checkpointIntervalMs: 60_000,
      retentionDays: undefined,
    });
  });

  it('reads the HMAC key, checkpoint interval and retention', () => {
    const { audit } = loadConfig({
      ...base(),
      AUDIT_HMAC_KEY: 'k'.repeat(32),
      AUDIT_CHECKPOINT_INTERVAL: '5m',
      AUDIT_RETENTION_DAYS: '400',
    });
    expect(audit.hmacKey?.export().toString()).toBe('k'.repeat(32));
    expect(audit.checkpointIntervalMs).toBe(300_000);
    expect(audit.retentionDays).toBe(400);
  });

  it.each([
    [{ AUDIT_HMAC_KEY: 'short' }, /AUDIT_HMAC_KEY must be at least 32 bytes/],
    [{ AUDIT_HMAC_KEY: 'x'.repeat(40), JWT_SECRET: 'x'.repeat(40) }, /must differ from JWT_SECRET/],
    [{ AUDIT_RETENTION_DAYS: '0' }, /AUDIT_RETENTION_DAYS must be an integer between 1/],
    [{ AUDIT_RETENTION_DAYS: 'forever' }, /AUDIT_RETENTION_DAYS/],
    [{ AUDIT_CHECKPOINT_INTERVAL: 'often' }, /AUDIT_CHECKPOINT_INTERVAL/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig({ ...base(), ...env })).toThrow(message);
  });
});

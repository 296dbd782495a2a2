import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditAction } from '../src/audit/audit-action';
import { AuditService } from '../src/audit/audit.service';
import { runCli } from '../src/cli/run-cli';
import { UnitOfWork } from '../src/database/unit-of-work';
import { logIn } from './factories/session.factory';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app';

/** What a strict JSON-lines reader refuses raw, or what splits a line for a lenient one. */
const RAW_HAZARD = /[\p{Cc}\u2028\u2029\p{Cf}\p{Cs}]/u;

/** Splits on "\n" only and JSON.parse-s every line, as jq and most log shippers do; throws on any hazard. */
function strictJsonLines(text: string): Record<string, unknown>[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      const hazard = RAW_HAZARD.exec(line);
      if (hazard) {
        throw new Error(`line ${index + 1}: raw U+${hazard[0].codePointAt(0)!.toString(16)}`);
      }
      return JSON.parse(line) as Record<string, unknown>;
    });
}

const HOSTILE_NAMES = [
  'line\u2028separator',
  'para\u2029graph',
  'next\u0085line',
  'csi\u009B31m',
  'evil\u202Egnp.exe',
  'zero\u200Bwidth',
  'del\u007Fete',
];

describe('well-formed text everywhere', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = `Bearer ${(await logIn(t, TEST_ADMIN)).accessToken}`;
  });
  afterAll(() => t.close());

  describe('validation', () => {
    it.each([
      ['a login name', '/auth/login', { username: 'ad\uD800min', password: 'whatever it is' }],
      ['a password', '/auth/login', { username: 'root-admin', password: 'pass\uDFFFword phrase' }],
      ['a new username', '/users', { username: 'ali\uDC00ce', role: 'user' }],
      ['a display name', '/users', { username: 'carol', role: 'user', display_name: 'C\uD83D' }],
      ['a key', '/users', { username: 'dave', role: 'user', ['x\uD800']: 1 }],
    ])('refuses a lone surrogate in %s with 400 problem+json', async (_label, path, body) => {
      const response = await t.http().post(path).set('Authorization', admin).send(body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(response.body)).toMatch(/well-formed/);
    });
  });

  describe('the NDJSON export', () => {
    let exported: string;
    let expectedEvents: number;

    beforeAll(async () => {
      // Refused logins audit the name as typed, with the client's User-Agent (C1 controls, CSI, NEL).
      for (const username of HOSTILE_NAMES) {
        const response = await t
          .http()
          .post('/auth/login')
          .set('User-Agent', `agent\u0085\u009B2J\u00AD${username.length}`)
          .send({ username, password: 'not the password' });
        expect(response.status).toBe(401);
      }
      // And anything else a future code path might record, lone surrogates included.
      await t.app.get(UnitOfWork).run(() =>
        t.app.get(AuditService).record({
          action: AuditAction.UserUpdated,
          outcome: 'success',
          resourceType: 'user',
          details: {
            target_username: 'mallory',
            display_name_after: 'lone \uD800 high, \uDFFF low, \u2066isolate\u2069',
          },
          meta: {
            ip: '203.0.113.5',
            userAgent: 'ua \uDBFF\u2028',
            requestId: 'r-1',
          },
        }),
      );
      const response = await t
        .http()
        .get('/audit/events/export')
        .set('Authorization', admin)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        });
      expect(response.status).toBe(200);
      exported = response.body as string;
      expectedEvents = (await t.http().get('/audit/verify').set('Authorization', admin)).body
        .checked as number;
    });

    it('gives a strict JSON-lines reader every event, each on its own line', () => {
      const events = strictJsonLines(exported);
      expect(events).toHaveLength(expectedEvents);
      expect(events.map((event) => event.seq)).toEqual(
        Array.from({ length: expectedEvents }, (_, i) => i + 1),
      );
    });

    it('keeps the values: escapes decode to exactly what was stored', () => {
      const failed = strictJsonLines(exported).filter(
        (event) => event.action === 'LOGIN_FAILED',
      ) as { details: { username: string }; user_agent: string }[];
      expect(failed.map((event) => event.details.username)).toEqual(
        expect.arrayContaining(HOSTILE_NAMES),
      );
      // The client sent UTF-8, Node reads header bytes as Latin-1: the C1 controls arrive either way.
      expect(failed.at(-1)!.user_agent).toMatch(/^agent.?\u0085.?\u009B2J.?\u00AD\d+$/);
      const updated = strictJsonLines(exported).find(
        (event) => event.action === 'USER_UPDATED',
      ) as {
        details: { display_name_after: string };
        user_agent: string;
      };
      // Lone surrogates were replaced before hashing and storing, the rest kept.
      expect(updated.details.display_name_after).toBe(
        'lone \uFFFD high, \uFFFD low, \u2066isolate\u2069',
      );
      expect(updated.user_agent).toBe('ua \uFFFD\u2028');
    });

    it('writes the same line-safe file from the CLI', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'aegis-export-')), 'audit.ndjson');
      const code = await runCli(
        ['audit:export', '--output', file],
        { ...t.database.env, JWT_SECRET: 'e2e-secret-that-is-long-enough-0123456789' },
        { out: () => undefined, err: () => undefined },
      );
      expect(code).toBe(0);
      expect(strictJsonLines(readFileSync(file, 'utf8'))).toHaveLength(expectedEvents);
    });
  });
});

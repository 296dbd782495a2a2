import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditAction } from './audit-action';
import { AUDIT_DETAIL_SCHEMAS, detailProblems } from './audit-detail-schemas';

const AUDIT_DOC = readFileSync(resolve(__dirname, '../../docs/audit.md'), 'utf8');
/** Keys the guide documents once, below the table, for every action that writes them. */
const DOCUMENTED_BELOW_THE_TABLE = new Set(['source', 'operator', 'suppressed']);

const quoted = (cell: string): string[] =>
  [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

/** The "Actions" table of docs/audit.md: each action named in a row's first cell, with its details cell. */
function documentedDetails(): Map<string, string[]> {
  const section = AUDIT_DOC.split(/^## /m).find((part) => part.startsWith('Actions'));
  if (!section) throw new Error('docs/audit.md has no "Actions" section');
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length !== 3) continue;
    for (const action of quoted(cells[0])) rows.set(action, quoted(cells[2]));
  }
  return rows;
}

describe('the detail schema of every audit action', () => {
  const actions = Object.values(AuditAction);
  const documented = documentedDetails();

  it.each(actions)('%s has a schema, and the guide names each of its keys', (action) => {
    expect(Object.keys(AUDIT_DETAIL_SCHEMAS)).toContain(action);
    const keys = Object.keys(AUDIT_DETAIL_SCHEMAS[action]).filter(
      (key) => !DOCUMENTED_BELOW_THE_TABLE.has(key),
    );
    expect(documented.get(action)).toEqual(expect.arrayContaining(keys));
  });

  it('documents the keys shared by many actions, and the table lists no action the code lacks', () => {
    const belowTheTable = AUDIT_DOC.slice(AUDIT_DOC.indexOf('Administrative rows carry'));
    for (const key of DOCUMENTED_BELOW_THE_TABLE) expect(quoted(belowTheTable)).toContain(key);
    expect(actions).toEqual(expect.arrayContaining([...documented.keys()]));
  });

  it('names the account acted on target_username wherever it is a detail', () => {
    for (const action of actions) {
      const keys = Object.keys(AUDIT_DETAIL_SCHEMAS[action]);
      if (keys.includes('username'))
        expect([
          AuditAction.LoginSuccess,
          AuditAction.LoginFailed,
          AuditAction.PasskeyLogin,
        ]).toContain(action);
    }
  });
});

describe('detailProblems', () => {
  it('accepts details that fit, optional keys left out and undefined values (the JSON column drops them)', () => {
    expect(
      detailProblems(AuditAction.LoginSuccess, {
        username: 'alice',
        session_id: 's-1',
        amr: 'pwd',
        rehashed: undefined,
      }),
    ).toEqual([]);
    expect(detailProblems(AuditAction.OidcTokenRevoked, { token_type_hint: null })).toEqual([]);
  });

  it('names an unknown key, a wrong type, a null where none is allowed and a missing required key', () => {
    expect(
      detailProblems(AuditAction.LoginLockoutCleared, { username: 'alice', had_lockout: 'yes' }),
    ).toEqual(['unknown key username', 'had_lockout must be boolean', 'missing target_username']);
    expect(detailProblems(AuditAction.UserUpdated, { target_username: null })).toEqual([
      'target_username must be string',
    ]);
    expect(
      detailProblems(AuditAction.UserUpdated, { target_username: 'a', display_name_after: 3 }),
    ).toEqual(['display_name_after must be string or null']);
  });

  it('does not take a key inherited from Object.prototype for one of the schema', () => {
    expect(detailProblems(AuditAction.MfaVerified, { method: 'totp', toString: 'x' })).toEqual([
      'unknown key toString',
    ]);
  });
});

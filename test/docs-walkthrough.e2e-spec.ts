import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AegisProcess, ensureBuilt } from './support/aegis-process';
import { readDoc, ROOT, section, shellBlocks } from './support/docs';
import { usingPostgres } from './support/test-database';

const DOC = 'docs/getting-started.md';
const DOC_URL = 'http://127.0.0.1:3000';

/** The walk-throughs a newcomer follows in one shell, in the order the page gives them. */
const WALK_THROUGHS = [
  '## Walk-through with curl',
  '## Administration',
  '## Second factor (TOTP) with curl',
];

/** What the page says each curl answers: a status named in a trailing comment (`# 401 SESSION_ENDED`), else 2xx. */
function expectations(script: string): { status?: number; code?: string }[] {
  return script
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#') && /\bcurl /.test(line))
    .map((line) => {
      const said = /#\s*(\d{3})\s+([A-Z_]+)\s*$/.exec(line);
      return said ? { status: Number(said[1]), code: said[2] } : {};
    });
}

/**
 * Every curl goes through this: the body is printed as curl would, and the status and body are logged for the
 * test. A placeholder left in a command (a `…`, an `<…>`) fails the command.
 */
const PRELUDE = `set -euo pipefail
curl() {
  case "$*" in *…*|*"<"*">"*) echo "placeholder left in: curl $*" >&2; return 1;; esac
  local out
  out=$(command curl -sS -w '\\n%{http_code}' "$@")
  printf '%s\\t%s\\n' "\${out##*$'\\n'}" "\${out%$'\\n'*}" >> "$DOC_LOG"
  printf '%s\\n' "\${out%$'\\n'*}"
}
`;

describe('the walk-throughs of docs/getting-started.md, run as written', () => {
  let aegis: AegisProcess | undefined;
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'aegis-walkthrough-'));
  }, 120_000);
  afterAll(async () => {
    await aegis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // A fresh SQLite data folder is what a newcomer has; the same commands work on PostgreSQL (not needed here).
  (usingPostgres() ? it.skip : it)(
    'runs "Walk-through with curl", "Administration" and "Second factor (TOTP) with curl" against a started service',
    async () => {
      // Only what a newcomer's shell has: no .env of the developer, the documented defaults.
      // The login limit the page advises for a local trial: the three walk-throughs sign in six times.
      aegis = await AegisProcess.start({
        DATA_DIR: join(dir, 'data'),
        AEGIS_ENV: 'development',
        LOGIN_RATE_LIMIT_PER_MINUTE: '60',
      });

      const doc = readDoc(DOC);
      const script = WALK_THROUGHS.flatMap((heading) => {
        const blocks = shellBlocks(section(doc, heading));
        if (blocks.length === 0) throw new Error(`${DOC}: no shell block under "${heading}"`);
        return blocks;
      })
        .join('\n')
        .replaceAll(DOC_URL, aegis.url.replace(/\/$/, ''));
      const log = join(dir, 'responses.log');
      let stderr = '';
      try {
        execFileSync('bash', ['--norc', '--noprofile', '-c', PRELUDE + script], {
          cwd: dir,
          // The page runs its otpauth one-liner in the checkout, where the package is installed.
          env: {
            PATH: process.env.PATH ?? '',
            HOME: dir,
            DOC_LOG: log,
            NODE_PATH: join(ROOT, 'node_modules'),
          },
          stdio: 'pipe',
        });
      } catch (error) {
        stderr = String((error as { stderr?: Buffer }).stderr ?? error);
      }
      expect(stderr).toBe('');

      const responses = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [status, body] = line.split('\t');
          return { status: Number(status), body };
        });
      const expected = expectations(script);
      expect(responses).toHaveLength(expected.length);
      responses.forEach((response, index) => {
        const { status, code } = expected[index];
        const label = `curl #${index + 1}: ${response.status} ${response.body}`;
        if (status === undefined) expect([label, response.status < 300]).toEqual([label, true]);
        else {
          expect([label, response.status]).toEqual([label, status]);
          expect(JSON.parse(response.body)).toMatchObject({ code });
        }
      });
    },
    120_000,
  );
});

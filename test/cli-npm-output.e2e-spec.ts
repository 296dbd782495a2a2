import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT, readDoc, section, shellBlocks } from './support/docs';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import './support/long-test-timeout';

/** The documented command line of `npm run` (with or without npm's options) that runs `cli -- <command>`. */
function documentedCommand(doc: string, heading: string, command: string, args = ''): string {
  const pattern = new RegExp(`^npm run (-\\S+ )*cli -- ${command}\\b.*${args}`);
  const line = shellBlocks(section(readDoc(doc), heading))
    .flatMap((block) => block.split('\n'))
    .map((candidate) => candidate.replace(/\s+#.*$/, ''))
    .find((candidate) => pattern.test(candidate));
  if (!line)
    throw new Error(`${doc} "${heading}" documents no "npm run cli -- ${command} ${args}"`);
  return line;
}

/**
 * The operator CLI run as the documentation says, through npm and a shell, so npm's own output counts: what a
 * program reading stdout gets. npm's settings come from the repository's .npmrc alone (none inherited from the npm
 * that started the tests).
 */
describe('the documented npm run cli commands, through npm', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase();
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
    );
    env = {
      ...inherited,
      ...database.env,
      AEGIS_ENV: 'development',
      JWT_SECRET: 'cli-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'error',
    };
    // The first command may build dist/ (npm run cli builds when src/ is newer): once, before the timed tests.
    await shell('npm run -s cli -- --help');
  }, 180_000);
  afterAll(() => database.drop());

  const shell = (command: string) =>
    promisify(execFile)('bash', ['--norc', '--noprofile', '-c', command], {
      cwd: ROOT,
      env,
      maxBuffer: 1 << 20,
    });

  it('clients:create --json (docs/operations.md) prints the client as JSON and nothing else on stdout', async () => {
    const command = documentedCommand(
      'docs/operations.md',
      '## Operator CLI',
      'clients:create',
      ' --json$',
    );
    const { stdout } = await shell(command);
    expect(JSON.parse(stdout)).toEqual({
      client_id: expect.any(String),
      client_secret: expect.any(String),
    });
  });

  it('audit:verify (docs/audit.md) prints its report as JSON and nothing else on stdout', async () => {
    const command = documentedCommand('docs/audit.md', '## Verify', 'audit:verify');
    const { stdout } = await shell(command);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, checkpoints: { status: 'none' } });
  });

  it('without -s, npm puts its banner first, and the CLI says so on stderr', async () => {
    const { stdout, stderr } = await shell('npm run cli -- audit:verify');
    expect(stdout).toMatch(/^\s*> aegis@/);
    expect(() => JSON.parse(stdout) as unknown).toThrow();
    expect(stderr).toContain('npm run -s cli');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { firstTable, readDoc, section, shellBlocks } from './support/docs';

const HEADING = '## Minimum production environment';
const readmeSection = section(readDoc('README.md'), HEADING);

/** The problem lines production start-up prints for this environment (none: it starts). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/**
 * The README promises the complete list of what production refuses to start without. Its shell block is run as
 * written (the secrets it makes are random), and the environment it writes is parsed by the configuration schema
 * the server starts with: it must start, and it must stop starting when any one variable is left out.
 */
describe('README: "Minimum production environment"', () => {
  let env: Record<string, string>;

  beforeAll(() => {
    const blocks = shellBlocks(readmeSection);
    expect(blocks).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'aegis-production-env-'));
    try {
      execFileSync('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', blocks[0]], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '' },
        stdio: 'pipe',
      });
      env = parseEnv(readFileSync(join(dir, 'aegis.env'), 'utf8')) as Record<string, string>;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a production environment the configuration accepts as it stands', () => {
    expect(env.AEGIS_ENV).toBe('production');
    expect(problems(env)).toEqual([]);
  });

  it('has nothing to spare: without any one of its variables production refuses to start, naming it', () => {
    for (const name of Object.keys(env).filter((key) => key !== 'AEGIS_ENV')) {
      const rest = { ...env };
      delete rest[name];
      expect([name, problems(rest).some((line) => line.startsWith(`${name} `))]).toEqual([
        name,
        true,
      ]);
    }
  });

  it('names every variable it writes in its table, with the rule production applies', () => {
    const documented = firstTable(readmeSection)
      .slice(2)
      .map((row) => /^\| `([A-Z][A-Z0-9_]*)`/.exec(row)?.[1]);
    expect(documented).toEqual(expect.arrayContaining(Object.keys(env)));
  });

  it('says the rule of the table: no plain-HTTP cookies or CORS origins unless ALLOW_INSECURE_PRODUCTION=true', () => {
    const insecure = { ...env, SECURE_COOKIES: 'false', CORS_ORIGINS: 'http://app.example.com' };
    expect(problems(insecure).map((line) => line.split(' ')[0])).toEqual([
      'SECURE_COOKIES',
      'CORS_ORIGINS',
    ]);
    expect(problems({ ...insecure, ALLOW_INSECURE_PRODUCTION: 'true' })).toEqual([]);
    expect(problems({ ...env, METRICS_TOKEN: '', METRICS_PUBLIC: 'true' })).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AegisProcess, ensureBuilt } from './support/aegis-process';

/**
 * No Docker engine runs where this project is tested, so the Dockerfile is checked by what it says: its runtime
 * stage (image, user, volume, what it copies) and the run recipe in its header, which starts the same build with
 * the image's ENV plus the recipe's environment — only the listening address and the data folder (the volume)
 * are this test's own.
 */
const ROOT = resolve(__dirname, '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/** `ENV A=1 B=2` lines of the runtime stage. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of runtimeStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key, ...value] = pair.split('=');
      env[key] = value.join('=');
    }
  }
  return env;
}

/** KEY=VALUE lines of an env file, as `docker run --env-file` reads them. */
function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))) {
    const at = line.indexOf('=');
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

function headerLine(startsWith: string): string {
  const line = lines.find((l) => l.startsWith(`#   ${startsWith}`));
  if (!line) throw new Error(`the Dockerfile's header has no line starting with "${startsWith}"`);
  return line.slice(4);
}

describe('the container recipe', () => {
  let dir: string;
  let aegis: AegisProcess | undefined;
  beforeAll(() => ensureBuilt(), 120_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aegis-container-'));
  });
  afterEach(async () => {
    await aegis?.stop();
    aegis = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on the Node.js 24 image as a numeric user, with /data a volume and no demo in the image', () => {
    expect(dockerfile.match(/^FROM node:\S+/gm)).toEqual([
      'FROM node:24-bookworm-slim',
      'FROM node:24-bookworm-slim',
    ]);
    expect(runtimeStage).toMatch(/^USER \d+:\d+$/m);
    expect(runtimeStage).toMatch(/^VOLUME \/data$/m);
    expect(runtimeStage).toMatch(/DATA_DIR=\/data/);
    const copied = runtimeStage.split('\n').filter((l) => l.startsWith('COPY '));
    expect(copied.join('\n')).not.toMatch(/demo|client/);
    expect(runtimeStage).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
  });

  it('starts in production with the environment of its header, and the secrets it makes are not in the log', async () => {
    // The header's secret-making line, run as written.
    execFileSync('bash', ['-c', headerLine('printf ')], { cwd: dir });
    const run = headerLine('docker build');
    const [, runArgs] = run.split('docker run ');
    const flags = [...runArgs.matchAll(/(-e|--env-file|-v)\s+(\S+)/g)].map(([, flag, value]) => ({
      flag,
      value,
    }));
    const env: Record<string, string> = { ...imageEnv() };
    for (const { flag, value } of flags) {
      if (flag === '--env-file') Object.assign(env, envFile(join(dir, value)));
      if (flag === '-e')
        env[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    }
    expect(flags).toContainEqual({ flag: '-v', value: `aegis-data:${env.DATA_DIR}` });
    expect(env.AEGIS_ENV).toBe('production');

    aegis = await AegisProcess.start({
      ...env,
      DATA_DIR: join(dir, 'data'),
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const ready = await fetch(`${aegis.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(existsSync(join(dir, 'data', 'initial-admin-password'))).toBe(true);
    for (const secret of [
      'JWT_SECRET',
      'MFA_ENCRYPTION_KEY',
      'OIDC_ENCRYPTION_KEY',
      'METRICS_TOKEN',
    ]) {
      expect(env[secret]?.length).toBeGreaterThanOrEqual(32);
      expect(aegis.log).not.toContain(env[secret]);
    }
    // Every line it printed is a JSON log record: no runtime warning, nothing on stderr in another shape.
    for (const line of aegis.log.split('\n').filter((l) => l.trim() !== '')) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  }, 60_000);
});

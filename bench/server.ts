import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BENCH_ADMIN = {
  username: 'bench-admin',
  password: 'benchmark administrator passphrase',
};

/** A production build of Aegis in a child process, on a fresh database. */
export interface BenchServer {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 on /health/ready. */
  startupMs: number;
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  kind: 'sqlite' | 'postgres';
  env: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Aegis exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 5));
  }
  throw new Error(`Aegis was not ready within ${timeoutMs} ms`);
}

export async function startServer(
  database: BenchDatabase,
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aegis-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, resolve(__dirname, '../src/main.js')], {
    env: {
      PATH: process.env.PATH,
      // For A/B runs of memory: glibc's arena count, and V8 options for the Aegis processes alone (NODE_OPTIONS
      // itself would also reach the bench's own build and load generator).
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
      ...(process.env.BENCH_SERVER_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
        : {}),
      // Production settings over plain HTTP on loopback: the load generator speaks no TLS.
      AEGIS_ENV: 'production',
      SECURE_COOKIES: 'false',
      ALLOW_INSECURE_PRODUCTION: 'true',
      METRICS_PUBLIC: 'true',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'),
      OIDC_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The scenarios sign the admin in with a password; production's default would require a second factor.
      MFA_REQUIRED_ROLES: 'none',
      AEGIS_ADMIN_USERNAME: BENCH_ADMIN.username,
      AEGIS_ADMIN_PASSWORD: BENCH_ADMIN.password,
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      PUBLIC_URL: url,
      ...database.env,
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(url, child, 30_000);
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    url,
    pid: child.pid!,
    startupMs,
    rssBytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    stop: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The bare Fastify reference (bare-fastify.ts) in a child process of its own, like Aegis. */
export async function startBareFastify(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'bare-fastify.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`bare Fastify exited with code ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => done(chunk.toString('utf8').trim()));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { auditedWriteUnderFlood } from './audit-flood';
import { machineBusySeconds, processCpuSeconds } from './cpu';
import { memory } from './memory';
import { log, login, rate, round2, stats } from './requests';
import {
  BENCH_ADMIN,
  startBareFastify,
  startServer,
  type BenchDatabase,
  type BenchServer,
} from './server';

/**
 * `npm run bench`: the scenarios of BENCHMARKS.md on a production build, as ratios measured in the same run
 * (this machine is shared and noisy), plus absolute figures for the record. `--smoke` runs each scenario
 * briefly so CI keeps the harness working; it asserts nothing about speed. `--cpu-prof=DIR` writes a V8 CPU
 * profile of each Aegis process into DIR (node --cpu-prof). `--only=refresh,login` runs the named scenarios
 * alone (startup, authenticatedRead, login, refresh, auditFlood, isolation, memory), for A/B comparisons.
 */
const smoke = process.argv.includes('--smoke');
const cpuProfileDir = process.argv.find((arg) => arg.startsWith('--cpu-prof='))?.split('=')[1];
const NODE_ARGS = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfileDir)}`] : [];
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.split('=')[1]
  .split(',');
const selected = (scenario: string) => only === undefined || only.includes(scenario);
const ROUNDS = smoke ? 1 : 3;
const SECONDS = smoke ? 1 : 5;
const MEMORY_REQUESTS = smoke ? 2_000 : 100_000;
const READ_CONNECTIONS = 50;
const LOGIN_CONCURRENCY = 4;
const ARGON2 = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

/**
 * The pipeline and the authenticated read, round by round: the bare Fastify route (the ceiling), Aegis'
 * `/health/live` (the global pipeline alone), `/auth/me` with a bearer token (the pipeline plus the
 * session check).
 */
async function authenticatedRead(server: BenchServer, bareUrl: string, meBar: number) {
  const { access_token } = await login(server);
  const bare: number[] = [];
  const me: number[] = [];
  const live: number[] = [];
  const liveToBare: number[] = [];
  const meToLive: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bareRate = await rate({
      url: `${bareUrl}/health/live`,
      connections: READ_CONNECTIONS,
      duration: SECONDS,
    });
    const liveRate = await rate({
      url: `${server.url}/health/live`,
      connections: READ_CONNECTIONS,
      duration: SECONDS,
    });
    const meRate = await rate({
      url: `${server.url}/auth/me`,
      connections: READ_CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${access_token}` },
    });
    if (meRate.failures > 0) throw new Error(`/auth/me failed ${meRate.failures} times`);
    bare.push(bareRate.perSecond);
    live.push(liveRate.perSecond);
    me.push(meRate.perSecond);
    liveToBare.push(liveRate.perSecond / bareRate.perSecond);
    meToLive.push(meRate.perSecond / liveRate.perSecond);
  }
  return {
    bareFastifyRps: stats(bare),
    liveRps: stats(live),
    meRps: stats(me),
    liveToBareRatio: stats(liveToBare),
    liveToBareBar: 0.5,
    meToLiveRatio: stats(meToLive),
    meToLiveBar: meBar,
    meToLiveGoal: 0.8,
  };
}

function argon2Baseline(seconds: number): { perSecond: number; cpuMsPerVerify: number } {
  const output = execFileSync(
    process.execPath,
    [
      resolve(__dirname, 'argon2-baseline.js'),
      String(LOGIN_CONCURRENCY),
      String(seconds),
      String(ARGON2.memoryKiB),
      String(ARGON2.timeCost),
      String(ARGON2.parallelism),
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(output) as { perSecond: number; cpuMsPerVerify: number };
}

async function logins(server: BenchServer) {
  const body = JSON.stringify({ ...BENCH_ADMIN });
  const service: number[] = [];
  const raw: number[] = [];
  const ratios: number[] = [];
  const p99: number[] = [];
  // Where a login's CPU goes: the Aegis process (argon2's threads included), and the whole machine (the
  // database's backends and the load generator too), against what a raw verification costs.
  const aegisCpuMs: number[] = [];
  const machineCpuMs: number[] = [];
  const verifyCpuMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const baseline = argon2Baseline(SECONDS);
    const aegisBefore = processCpuSeconds(server.pid);
    const machineBefore = machineBusySeconds();
    const measured = await rate({
      url: `${server.url}/auth/login`,
      method: 'POST',
      connections: LOGIN_CONCURRENCY,
      duration: SECONDS,
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (measured.failures > 0) throw new Error(`login failed ${measured.failures} times`);
    const count = measured.succeeded;
    aegisCpuMs.push(((processCpuSeconds(server.pid) - aegisBefore) * 1000) / count);
    machineCpuMs.push(((machineBusySeconds() - machineBefore) * 1000) / count);
    verifyCpuMs.push(baseline.cpuMsPerVerify);
    raw.push(baseline.perSecond);
    service.push(measured.perSecond);
    p99.push(measured.p99);
    ratios.push(measured.perSecond / baseline.perSecond);
  }
  return {
    loginsPerSecond: stats(service),
    rawVerifyPerSecond: stats(raw),
    ratio: stats(ratios),
    p99Ms: stats(p99),
    cpuMsPerLogin: { aegis: stats(aegisCpuMs), machine: stats(machineCpuMs) },
    cpuMsPerRawVerify: stats(verifyCpuMs),
    bar: 0.95,
  };
}

/** Each request presents the current refresh token of one session and puts its successor back in the pool. */
async function refreshes(server: BenchServer, bar: number) {
  const connections = 50;
  const perSecond: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Fresh sessions each round: requests cut off at the end of a round take their tokens with them.
    const pool: string[] = [];
    for (let i = 0; i < connections * 2; i++) pool.push((await login(server)).refresh_token);
    const measured = await rate({
      url: `${server.url}/auth/refresh`,
      connections,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ refresh_token: pool.shift() }),
          }),
          onResponse: (status, body) => {
            if (status === 200)
              pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
          },
        },
      ],
    });
    if (measured.failures > 0) throw new Error(`refresh failed ${measured.failures} times`);
    perSecond.push(measured.perSecond);
  }
  return { rotationsPerSecond: stats(perSecond), bar };
}

/** /health/live latency while a login storm keeps every argon2 thread busy, and the RSS peak meanwhile. */
async function isolation(server: BenchServer) {
  const p99: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rssBytes())), 50);
  for (let round = 0; round < ROUNDS; round++) {
    const storm = rate({
      url: `${server.url}/auth/login`,
      method: 'POST',
      connections: 16,
      duration: SECONDS,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(BENCH_ADMIN),
    });
    await new Promise((done) => setTimeout(done, 300));
    const probe = await rate({
      url: `${server.url}/health/live`,
      connections: 2,
      duration: Math.max(1, SECONDS - 1),
    });
    await storm;
    p99.push(probe.p99);
  }
  clearInterval(sampler);
  return {
    healthP99DuringLoginStormMs: stats(p99),
    bar: 25,
    peakRssDuringLoginStormMb: round2(peakRss / 1024 / 1024),
    peakRssBarMb: 250,
  };
}

async function postgresDatabase(
  adminUrl: string,
): Promise<{ database: BenchDatabase; drop: () => Promise<void> }> {
  const name = `aegis_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env: Record<string, string> = { DATABASE_URL: url.toString() };
  if (process.env.BENCH_REDIS_URL) {
    env.REDIS_URL = process.env.BENCH_REDIS_URL;
    env.REDIS_KEY_PREFIX = `${name}:`;
  }
  return {
    database: { kind: 'postgres', env },
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function suite(database: BenchDatabase, bareUrl: string) {
  const postgres = database.kind === 'postgres';
  log(`\n## ${database.kind}${smoke ? ' (smoke)' : ''}`);
  const startups: number[] = [];
  for (let i = 0; i < (selected('startup') ? (smoke ? 1 : 3) : 0); i++) {
    const probe = await startServer(database, {}, NODE_ARGS);
    startups.push(probe.startupMs);
    await probe.stop();
  }
  const server = await startServer(database, {}, NODE_ARGS);
  try {
    // Warm-up: JIT, connection pools, the dummy hash.
    await rate({ url: `${server.url}/health/live`, connections: 10, duration: 1 });
    await login(server);
    const scenarios: Array<[string, () => Promise<unknown>]> = [
      ['startup', () => Promise.resolve({ toFirstReadyMs: stats(startups), barMs: 1_000 })],
      ['authenticatedRead', () => authenticatedRead(server, bareUrl, postgres ? 0.4 : 0.6)],
      ['login', () => logins(server)],
      ['refresh', () => refreshes(server, postgres ? 1_500 : 3_000)],
      ['auditFlood', () => auditedWriteUnderFlood(server, { rounds: ROUNDS, seconds: SECONDS })],
      ['isolation', () => isolation(server)],
      ['memory', () => memory(server, MEMORY_REQUESTS)],
    ];
    const results: Record<string, unknown> = {};
    for (const [name, run] of scenarios) {
      if (!selected(name)) continue;
      log(`${name}…`);
      results[name] = await run();
    }
    return results;
  } finally {
    await server.stop();
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    smoke,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: round2(totalmem() / 1024 ** 3),
      node: process.version,
    },
    argon2: ARGON2,
  };
  const bare = await startBareFastify();
  try {
    report.sqlite = await suite({ kind: 'sqlite', env: {} }, bare.url);
    if (process.env.BENCH_DATABASE_URL) {
      const { database, drop } = await postgresDatabase(process.env.BENCH_DATABASE_URL);
      try {
        report.postgres = await suite(database, bare.url);
      } finally {
        await drop();
      }
    }
  } finally {
    await bare.stop();
  }
  report.totalSeconds = round2((Date.now() - started) / 1000);
  const output = JSON.stringify(report, null, 2);
  console.log(output);
  if (!smoke && only === undefined) {
    const directory = resolve(__dirname, '../../bench/results');
    mkdirSync(directory, { recursive: true });
    writeFileSync(resolve(directory, 'latest.json'), `${output}\n`);
    log(`wrote ${resolve(directory, 'latest.json')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

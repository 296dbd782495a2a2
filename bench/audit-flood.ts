import autocannon from 'autocannon';
import { BENCH_ADMIN, type BenchServer } from './server';

/**
 * An administrator's audited write while outsiders flood the service with refused requests. Each refusal
 * used to append an audit row, so four flooders queued every real write behind the audit chain's lock; now a
 * refusal is audited once per caller, action and reason per window. Bar: the write's latency under the
 * flood at most 1.5× its latency unloaded (medians of the rounds, measured in the same run; the flooders also
 * take CPU from the service on this two-core machine, which counts against the bar).
 */
/** Four flooders at the pace the attack reached from one client (1,000 refusals in 2.5 s each). */
const FLOOD_CONNECTIONS = 16;
const FLOOD_REQUESTS_PER_SECOND = 4 * 400;

export interface AuditFloodOptions {
  rounds: number;
  seconds: number;
}

async function adminToken(server: BenchServer): Promise<string> {
  const response = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  if (!response.ok) throw new Error(`admin login: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function createTarget(server: BenchServer, token: string): Promise<string> {
  const response = await fetch(`${server.url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ username: `flood-target-${Date.now()}`, role: 'user' }),
  });
  if (response.status !== 201) throw new Error(`create user: ${response.status}`);
  return ((await response.json()) as { user: { id: string } }).user.id;
}

/**
 * Sequential audited writes (one connection): each renames the target, so each appends an audit row. Returns
 * the mean latency in ms from the writes per second (autocannon's percentiles are whole milliseconds, too
 * coarse for a write that takes less than one).
 */
async function writeLatency(
  server: BenchServer,
  token: string,
  userId: string,
  seconds: number,
): Promise<number> {
  let counter = 0;
  const result = await autocannon({
    url: `${server.url}/users/${userId}`,
    connections: 1,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ display_name: `Flood target ${++counter}` }),
        }),
      },
    ],
  });
  if (result.non2xx + result.errors + result.timeouts > 0)
    throw new Error(`audited write failed ${result.non2xx + result.errors} times`);
  return (1000 * result.duration) / result['2xx'];
}

/**
 * Cross-site writes with no credential: every one is refused by the cross-origin check (403). Paced, so what
 * the bar judges is what each refusal costs the service, not a machine saturated by the load generator.
 */
function flood(server: BenchServer, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${server.url}/auth/logout`,
    method: 'POST',
    connections: FLOOD_CONNECTIONS,
    overallRate: FLOOD_REQUESTS_PER_SECOND,
    duration: seconds,
    timeout: 30,
    headers: {
      origin: 'https://attacker.example',
      'sec-fetch-site': 'cross-site',
      'content-type': 'application/json',
    },
    body: '{}',
  });
}

export async function auditedWriteUnderFlood(server: BenchServer, options: AuditFloodOptions) {
  const token = await adminToken(server);
  const userId = await createTarget(server, token);
  await writeLatency(server, token, userId, 1); // warm-up
  const unloaded: number[] = [];
  const loaded: number[] = [];
  const ratios: number[] = [];
  let refused = 0;
  for (let round = 0; round < options.rounds; round++) {
    const quiet = await writeLatency(server, token, userId, options.seconds);
    const flooding = flood(server, options.seconds + 1);
    await new Promise((done) => setTimeout(done, 500));
    const busy = await writeLatency(server, token, userId, options.seconds);
    refused += (await flooding).non2xx;
    unloaded.push(quiet);
    loaded.push(busy);
    ratios.push(busy / quiet);
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    writeMeanUnloadedMs: Math.round(median(unloaded) * 1000) / 1000,
    writeMeanUnderFloodMs: Math.round(median(loaded) * 1000) / 1000,
    ratio: Math.round(median(ratios) * 100) / 100,
    refusedFloodRequests: refused,
    bar: 1.5,
  };
}

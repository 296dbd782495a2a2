import autocannon from 'autocannon';
import { login, round2 } from './requests';
import type { BenchServer } from './server';

const mb = (bytes: number) => round2(bytes / 1024 / 1024);

/**
 * Where the process's memory is, from its own /metrics (prom-client's process metrics): the V8 heap (reserved
 * and used), memory outside the heap that V8 is told about (Buffers, native objects), and the rest of the resident
 * set — code, V8's own structures, native libraries (OpenSSL, SQLite's page cache, argon2's working memory), and
 * whatever the allocator keeps after freeing. RSS is read from /proc like the other scenarios.
 */
export async function memoryBreakdown(server: BenchServer) {
  const rss = server.rssBytes();
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const gauge = (name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (match === null) throw new Error(`/metrics has no ${name}`);
    return Number(match[1]);
  };
  const heapTotal = gauge('nodejs_heap_size_total_bytes');
  const external = gauge('nodejs_external_memory_bytes');
  return {
    rssMb: mb(rss),
    heapTotalMb: mb(heapTotal),
    heapUsedMb: mb(gauge('nodejs_heap_size_used_bytes')),
    externalMb: mb(external),
    outsideHeapMb: mb(rss - heapTotal - external),
  };
}

/**
 * RSS after the earlier scenarios (the warm-up), then after each of three rounds of the same mixed requests
 * (authenticated reads, liveness, refused tokens, refresh rotations): it must not grow with the request count.
 */
export async function memory(server: BenchServer, requestsPerRound: number) {
  const connections = 8;
  const { access_token } = await login(server);
  // Each refresh takes a token from the pool and puts its successor back (one session per token).
  const pool: string[] = [];
  for (let i = 0; i < connections * 2; i++) pool.push((await login(server)).refresh_token);
  const mixed: autocannon.Request[] = [
    { method: 'GET', path: '/auth/me', headers: { authorization: `Bearer ${access_token}` } },
    { method: 'GET', path: '/health/live' },
    { method: 'GET', path: '/auth/me', headers: { authorization: 'Bearer invalid' } },
    {
      method: 'POST',
      path: '/auth/refresh',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ refresh_token: pool.shift() ?? 'none' }),
      }),
      onResponse: (status, body) => {
        if (status === 200)
          pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    },
  ];
  const afterWarmUp = await memoryBreakdown(server);
  const afterRounds: Array<Awaited<ReturnType<typeof memoryBreakdown>>> = [];
  for (let round = 0; round < 3; round++) {
    await autocannon({
      url: server.url,
      connections,
      amount: requestsPerRound,
      requests: mixed,
      timeout: 30,
    });
    afterRounds.push(await memoryBreakdown(server));
  }
  return {
    rssAfterWarmUpMb: afterWarmUp.rssMb,
    rssAfterEachRoundMb: afterRounds.map((round) => round.rssMb),
    requestsPerRound,
    growthFirstToLastRoundMb: round2(afterRounds[2].rssMb - afterRounds[0].rssMb),
    breakdownAfterWarmUp: afterWarmUp,
    breakdownAfterLastRound: afterRounds[2],
    bar: { maxRssMb: 150 },
  };
}

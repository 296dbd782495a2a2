import autocannon from 'autocannon';
import { BENCH_ADMIN, type BenchServer } from './server';

/** Median, minimum and maximum of a scenario's rounds. */
export interface Stats {
  median: number;
  min: number;
  max: number;
}

export const stats = (values: number[]): Stats => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
};

export const round2 = (value: number) => Math.round(value * 100) / 100;

/** Progress goes to stderr; stdout carries the JSON report alone. */
export const log = (line: string) => process.stderr.write(`${line}\n`);

export async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Signs the bench's administrator in as an API client (tokens in the body). */
export async function login(
  server: BenchServer,
): Promise<{ access_token: string; refresh_token: string }> {
  return json(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...BENCH_ADMIN, client: 'api' }),
  });
}

/** One autocannon round: 2xx (count and per second), p99 latency, and everything that was not a 2xx. */
export async function rate(
  options: autocannon.Options,
): Promise<{ succeeded: number; perSecond: number; p99: number; failures: number }> {
  const result = await autocannon({ timeout: 30, ...options });
  return {
    succeeded: result['2xx'],
    perSecond: result['2xx'] / result.duration,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

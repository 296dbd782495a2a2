import type { TestApp } from './test-app';

/**
 * The value of one sample in a Prometheus text exposition, e.g.
 * `sample(text, 'aegis_logins_total', { outcome: 'success' })`; undefined when the series is absent.
 */
export function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(match[3]);
  }
  return undefined;
}

/** GET /metrics as Prometheus would (with the token when one is given). */
export async function scrape(t: TestApp, token?: string): Promise<string> {
  const request = t.http().get('/metrics');
  if (token !== undefined) void request.set('Authorization', `Bearer ${token}`);
  const response = await request;
  if (response.status !== 200) throw new Error(`GET /metrics: ${response.status}`);
  return response.text;
}

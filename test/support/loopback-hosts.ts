import { request as httpRequest } from 'node:http';

/**
 * Host names other than localhost that tests give to servers on 127.0.0.1, so that a browser treats them as
 * ordinary sites: plain HTTP under such a name is not a secure context, and Chromium sends no Sec-Fetch-Site to
 * it. Chromium maps them with --host-resolver-rules; Node's fetch (a relying party's back channel) through
 * {@link loopbackFetch}. Nothing touches the machine's resolver.
 */
export const IDP_HOST = 'idp.test';
export const RP_HOST = 'rp.test';
const NAMES = [IDP_HOST, RP_HOST];

/** The Chromium switch that resolves every name above to 127.0.0.1. */
export function hostResolverRules(): string {
  return `--host-resolver-rules=${NAMES.map((name) => `MAP ${name} 127.0.0.1`).join(', ')}`;
}

/**
 * fetch, with the names above sent to 127.0.0.1 under their own Host header (the provider builds its endpoint
 * URLs from it). Node's fetch cannot set Host, hence node:http.
 */
export const loopbackFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (!NAMES.includes(url.hostname)) return fetch(request);
  const body = Buffer.from(await request.arrayBuffer());
  return new Promise<Response>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: { ...Object.fromEntries(request.headers), host: url.host },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers))
            for (const one of [value ?? []].flat()) headers.append(name, one);
          const status = incoming.statusCode ?? 500;
          const nullBody = [204, 205, 304].includes(status);
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers }));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
};

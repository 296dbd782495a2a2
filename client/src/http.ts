/** What the browser client shares between its modules: Aegis's error body and JSON requests. */

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** A non-2xx answer, with the RFC 9457 problem body Aegis sends. */
export class AegisError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly problem: unknown,
  ) {
    super(`Aegis answered ${status}${code ? ` ${code}` : ''}`);
    this.name = 'AegisError';
  }
}

/** The body of a 2xx answer, or an AegisError with the problem body. */
export async function readJson<T>(response: Response): Promise<T> {
  const body: unknown =
    response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok)
    throw new AegisError(response.status, (body as { code?: string } | undefined)?.code, body);
  return body as T;
}

export const jsonInit = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

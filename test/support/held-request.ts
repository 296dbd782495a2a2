import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseResponse(raw: string): RawResponse | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Repeated headers (Set-Cookie) are kept one per line.
    headers[name] = name in headers ? `${headers[name]}\n${value}` : value;
  }
  const body = raw.slice(end + 4);
  if (Buffer.byteLength(body) < Number(headers['content-length'] ?? 0)) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * An HTTP request the test holds in flight at will: headers are sent with `Expect: 100-continue`, and once
 * the server has answered `100 Continue` it is known to be serving the request; the body follows only when
 * the test calls {@link finish}. Deterministic "in flight at SIGTERM", no sleeping.
 */
export class HeldRequest {
  private received = '';

  private constructor(
    private readonly socket: Socket,
    private readonly body: string,
  ) {
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString()));
  }

  static async open(
    port: number,
    path: string,
    json: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<HeldRequest> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const body = JSON.stringify(json);
    const head = {
      host: `127.0.0.1:${port}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      expect: '100-continue',
      ...headers,
    };
    socket.write(
      `POST ${path} HTTP/1.1\r\n${Object.entries(head)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}\r\n`,
    );
    const held = new HeldRequest(socket, body);
    await held.until(() => held.received.startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
    held.received = held.received.slice('HTTP/1.1 100 Continue\r\n\r\n'.length);
    return held;
  }

  /** Sends the body and resolves with the response. */
  async finish(): Promise<RawResponse> {
    this.socket.write(this.body);
    let response: RawResponse | undefined;
    await this.until(() => (response = parseResponse(this.received)) !== undefined);
    this.socket.end();
    return response!;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        this.socket.off('data', check);
        this.socket.off('close', closed);
        resolve();
      };
      const closed = () => {
        if (!done()) reject(new Error(`connection closed; received: ${this.received}`));
      };
      this.socket.on('data', check);
      this.socket.on('close', closed);
      check();
    });
  }
}

/** Resolves once nothing accepts connections on `port` any more (the server has stopped listening). */
export async function refusesConnections(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { connect, createServer, type Server, type Socket } from 'node:net';

type Mode = 'forward' | 'refuse' | 'blackhole';

/**
 * A TCP proxy the test places between the app and PostgreSQL or Redis, to take the dependency away and give
 * it back without touching the shared server:
 * - `cut()`: open connections are reset and new ones are reset at once (the host is down);
 * - `blackhole()`: open connections are reset and new ones are accepted but never answered (a partition:
 *   only timeouts end the wait);
 * - `restore()`: forward again.
 */
export class TcpProxy {
  private mode: Mode = 'forward';
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client: Socket) => proxy.accept(client, targetHost, targetPort));
    return proxy;
  }

  /** `url` with its host and port replaced by this proxy's. */
  rewrite(url: string): string {
    const rewritten = new URL(url);
    rewritten.hostname = '127.0.0.1';
    rewritten.port = String(this.port);
    return rewritten.toString();
  }

  cut(): void {
    this.mode = 'refuse';
    this.resetAll();
  }

  blackhole(): void {
    this.mode = 'blackhole';
    this.resetAll();
  }

  restore(): void {
    this.mode = 'forward';
    // Connections accepted while blackholed were never connected to the target: drop them.
    this.resetAll();
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetHost: string, targetPort: number): void {
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = connect(targetPort, targetHost);
    upstream.on('error', () => client.destroy());
    this.track(upstream);
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }
}

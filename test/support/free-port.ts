import { createServer } from 'node:net';

/** A port the OS says is free now, for a server whose URL must be known before it listens (PUBLIC_URL). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

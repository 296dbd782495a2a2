import type { Server } from 'node:http';
import type { Socket } from 'node:net';

interface ConnectionState {
  inFlight: number;
  idleSince: number;
}

/**
 * The HTTP server's open connections and whether each is serving a request, so a shutdown closes a
 * keep-alive connection only after its response, or once it has been quiet for a while: never one whose
 * next request may be on the wire (the client would see ECONNRESET).
 */
export class OpenConnections {
  private readonly connections = new Map<Socket, ConnectionState>();
  private answered = 0;

  constructor(private readonly now: () => number = Date.now) {}

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { inFlight: 0, idleSince: this.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('request', (request: { socket: Socket }, response: NodeJS.EventEmitter) => {
      const state = this.connections.get(request.socket);
      if (state) state.inFlight += 1;
      response.once('close', () => {
        this.answered += 1;
        if (!state) return;
        state.inFlight -= 1;
        state.idleSince = this.now();
      });
    });
  }

  /** Responses finished (sent or aborted) since the server started. */
  get requestsAnswered(): number {
    return this.answered;
  }

  get count(): number {
    return this.connections.size;
  }

  get requestsInFlight(): number {
    let total = 0;
    for (const state of this.connections.values()) total += state.inFlight;
    return total;
  }

  /** Closes the connections that have served nothing for `quietMs`; how many it closed. */
  closeQuiet(quietMs: number): number {
    const now = this.now();
    let closed = 0;
    for (const [socket, state] of this.connections) {
      if (state.inFlight > 0 || now - state.idleSince < quietMs) continue;
      socket.destroy();
      this.connections.delete(socket);
      closed += 1;
    }
    return closed;
  }
}

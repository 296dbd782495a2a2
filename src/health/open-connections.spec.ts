import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { OpenConnections } from './open-connections';

class FakeSocket extends EventEmitter {
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

/** A server that emits what Node's does: a connection, then requests on it, each response closing once sent. */
function rig() {
  let now = 0;
  const server = new EventEmitter();
  const connections = new OpenConnections(() => now);
  connections.attach(server as unknown as Server);
  const connect = () => {
    const socket = new FakeSocket();
    server.emit('connection', socket);
    return socket;
  };
  const request = (socket: FakeSocket) => {
    const response = new EventEmitter();
    server.emit('request', { socket }, response);
    return { respond: () => response.emit('close') };
  };
  return { connections, connect, request, advance: (ms: number) => (now += ms) };
}

describe('OpenConnections', () => {
  it('counts requests in flight and answered per connection', () => {
    const { connections, connect, request } = rig();
    const socket = connect();
    const first = request(socket);
    request(connect());
    expect(connections.requestsInFlight).toBe(2);
    first.respond();
    expect(connections.requestsInFlight).toBe(1);
    expect(connections.requestsAnswered).toBe(1);
    expect(connections.count).toBe(2);
    socket.emit('close');
    expect(connections.count).toBe(1);
  });

  it('closes only connections quiet for the given time, never one serving a request', () => {
    const { connections, connect, request, advance } = rig();
    const quiet = connect();
    const busy = connect();
    const justAnswered = connect();
    request(busy);
    advance(900);
    request(justAnswered).respond();
    advance(100);

    expect(connections.closeQuiet(1_000)).toBe(1);
    expect([quiet.destroyed, busy.destroyed, justAnswered.destroyed]).toEqual([true, false, false]);

    advance(5_000);
    expect(connections.closeQuiet(1_000)).toBe(1);
    expect([busy.destroyed, justAnswered.destroyed]).toEqual([false, true]);
    expect(connections.count).toBe(1);
  });
});

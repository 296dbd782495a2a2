import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { PrivateHost } from './private-host';

const SCRIPT = join(__dirname, 'logout-receiver.server.mts');

export interface Received {
  attempts: number;
  received: Array<{ token: string; at: number }>;
}

/**
 * A back-channel logout receiver in its own process (logout-receiver.server.mts): on 127.0.0.1, or inside a
 * PrivateHost at its private address. It can be stopped and started again on the same port, as a tool that
 * restarts is.
 */
export class LogoutReceiver {
  private child?: ChildProcess;
  port = 0;

  private constructor(
    private readonly host: string,
    private readonly within?: PrivateHost,
  ) {}

  static async start(within?: PrivateHost): Promise<LogoutReceiver> {
    const receiver = new LogoutReceiver(within?.address ?? '127.0.0.1', within);
    await receiver.listen();
    return receiver;
  }

  /** The URI a client registers. */
  get uri(): string {
    return `http://${this.host}:${this.port}/backchannel`;
  }

  /** (Re)starts the process, on the port it had before if it had one. */
  async listen(): Promise<void> {
    const argv = [process.execPath, SCRIPT];
    const [command, ...args] = this.within ? this.within.command(argv) : argv;
    const child = spawn(command, args, {
      env: {
        PATH: process.env.PATH ?? '',
        RECEIVER_HOST: this.host,
        RECEIVER_PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = /\{"port":(\d+)\}/.exec(output);
        if (line) resolve(Number(line[1]));
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) =>
        reject(new Error(`Logout receiver exited (${code}) before listening:\n${output}`)),
      );
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async received(): Promise<Received> {
    const response = await fetch(`http://${this.host}:${this.port}/received`);
    return (await response.json()) as Received;
  }

  /** Waits until `count` tokens arrived, or `timeoutMs` passed; returns what arrived. */
  async waitFor(count: number, timeoutMs: number): Promise<Received> {
    const until = Date.now() + timeoutMs;
    let seen = await this.received();
    while (seen.received.length < count && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await this.received();
    }
    return seen;
  }
}

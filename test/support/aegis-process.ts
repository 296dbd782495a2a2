import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const ENTRY = join(ROOT, 'dist/src/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ when it is missing or older than src/ (a make-like check, so a suite run right after
 * `npm run build` or `npm run openapi:check` does not build again). The test run already holds the CPU lock.
 */
export function ensureBuilt(): void {
  if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'pipe' });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A real Aegis process (`node dist/src/main.js`), as production runs it: its own port (PORT=0, read back
 * from the "Listening on" log line), its own pools, and real signals.
 */
export class AegisProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private output = '';

  private constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts the process and resolves once it listens; rejects with its output if it exits first. */
  static async start(env: Record<string, string>): Promise<AegisProcess> {
    const aegis = new AegisProcess(env);
    await aegis.listening();
    return aegis;
  }

  /** Everything it wrote to stdout and stderr (JSON log lines), for assertions and failure messages. */
  get log(): string {
    return this.output;
  }

  url = '';

  get port(): number {
    return Number(new URL(this.url).port);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (cleanup after a failed test). */
  async stop(graceMs = 5_000): Promise<Exit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  private listening(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onData = () => {
        const match = /Listening on (http:\/\/[^\s"]+)/.exec(this.output);
        if (!match) return;
        this.url = match[1];
        this.child.stdout!.off('data', onData);
        resolve();
      };
      this.child.stdout!.on('data', onData);
      void this.exited.then((exit) =>
        reject(
          new Error(`Aegis exited before listening (${JSON.stringify(exit)}):\n${this.output}`),
        ),
      );
    });
  }
}

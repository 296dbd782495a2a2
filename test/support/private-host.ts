import { execFileSync } from 'node:child_process';

let created = 0;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/**
 * A host on a private, non-loopback address (10.200.x.2), as an internal tool is: a network namespace joined to
 * this one by a veth pair, set up with iproute2 (root needed; CI runs as root and installs iproute2). Processes
 * started with `command()` run inside it; this namespace reaches it at `address`. Never skipped: a machine that
 * cannot set it up fails the test that asked for it.
 */
export class PrivateHost {
  private constructor(
    readonly namespace: string,
    readonly address: string,
  ) {}

  static create(): PrivateHost {
    const id = `${process.pid % 100_000}x${created++}`;
    const namespace = `aegis-${id}`;
    const outside = `ae${id}o`;
    const inside = `ae${id}i`;
    // A /30 of its own per process and host, so that two runs on one machine never share a subnet.
    const block = ((process.pid % 64) * 4 + created) % 256;
    const subnet = `10.200.${block}`;
    try {
      ip('netns', 'add', namespace);
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', namespace);
      ip('addr', 'add', `${subnet}.1/30`, 'dev', outside);
      ip('link', 'set', outside, 'up');
      ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${subnet}.2/30`, 'dev', inside);
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', inside, 'up');
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    } catch (error) {
      new PrivateHost(namespace, '').destroy();
      const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
      throw new Error(
        `Cannot set up a network namespace for a private-address host (needs root and iproute2): ${detail}`,
        { cause: error },
      );
    }
    return new PrivateHost(namespace, `${subnet}.2`);
  }

  /** `argv` run inside the namespace. */
  command(argv: string[]): string[] {
    return ['ip', 'netns', 'exec', this.namespace, ...argv];
  }

  /** Deleting the namespace deletes its end of the veth pair, and with it the other end. */
  destroy(): void {
    try {
      ip('netns', 'del', this.namespace);
    } catch {
      // Never created, or already gone.
    }
  }
}

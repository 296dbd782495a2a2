import type { INestApplication } from '@nestjs/common';
import { closeOnShutdownSignals } from './shutdown-signals';

/** An application whose drain and close record when they start and end, and a process.exit that records its code. */
function rig() {
  const steps: string[] = [];
  let releaseDrain!: () => void;
  const shutdown = {
    drain: jest.fn(async (signal: string) => {
      steps.push(`drain ${signal}`);
      await new Promise<void>((resolve) => (releaseDrain = resolve));
      steps.push('drained');
    }),
  };
  const app = {
    get: () => shutdown,
    close: jest.fn(async () => {
      steps.push('close');
    }),
  } as unknown as INestApplication;
  const before = new Map(
    (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((signal) => [signal, process.listeners(signal)]),
  );
  closeOnShutdownSignals(app);
  const restore = () => {
    for (const [signal, listeners] of before) {
      for (const listener of process.listeners(signal))
        if (!listeners.includes(listener)) process.removeListener(signal, listener);
    }
  };
  return { steps, shutdown, app, restore, releaseDrain: () => releaseDrain() };
}

// One double for the whole file: a shutdown left pending by a failing test may still call process.exit later.
let exit: jest.SpyInstance;
beforeAll(() => {
  exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
});
beforeEach(() => exit.mockClear());
afterAll(() => exit.mockRestore());

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('closeOnShutdownSignals', () => {
  it('drains before any shutdown hook runs (Nest would stop the jobs first), then exits 0', async () => {
    const { steps, restore, releaseDrain } = rig();
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await settle();
      expect(steps).toEqual(['drain SIGTERM']);
      releaseDrain();
      await settle();
      expect(steps).toEqual(['drain SIGTERM', 'drained', 'close']);
      expect(exit).toHaveBeenCalledWith(0);
    } finally {
      restore();
    }
  });

  it('ignores a second signal during the shutdown instead of starting another', async () => {
    const { shutdown, app, restore, releaseDrain } = rig();
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGINT', 'SIGINT');
      releaseDrain();
      await settle();
      expect(shutdown.drain).toHaveBeenCalledTimes(1);
      expect(app.close).toHaveBeenCalledTimes(1);
    } finally {
      restore();
    }
  });

  it('exits 1 when the shutdown fails', async () => {
    const { app, restore, releaseDrain } = rig();
    (app.close as jest.Mock).mockRejectedValueOnce(new Error('pool would not close'));
    try {
      process.emit('SIGHUP', 'SIGHUP');
      releaseDrain();
      await settle();
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      restore();
    }
  });
});

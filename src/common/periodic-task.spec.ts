import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  let job: jest.Mock<Promise<unknown>, []>;
  let logger: Logger;
  let error: jest.SpyInstance;

  /** A job run that stays in progress until `finish()`. */
  function holdNextRun(): () => void {
    let finish!: () => void;
    job.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    return () => finish();
  }

  beforeEach(() => {
    jest.useFakeTimers();
    job = jest.fn().mockResolvedValue(undefined);
    logger = new Logger('test');
    error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.useRealTimers());

  it('runs the job every interval', async () => {
    const task = new PeriodicTask('job', job, logger);
    task.start(1_000);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(job).toHaveBeenCalledTimes(3);
    await task.stop();
  });

  it('never overlaps runs: ticks while a run is in progress are skipped', async () => {
    const finish = holdNextRun();
    const task = new PeriodicTask('job', job, logger);
    task.start(1_000);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(job).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(job).toHaveBeenCalledTimes(2);
    await task.stop();
  });

  it('stop() waits for a run in progress, and no run starts after it', async () => {
    const finish = holdNextRun();
    const task = new PeriodicTask('job', job, logger);
    task.start(1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(job).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('logs a failed run and runs again at the next tick', async () => {
    job.mockRejectedValueOnce(new Error('database unavailable'));
    job.mockImplementationOnce(() => {
      throw new Error('thrown before any promise');
    });
    const task = new PeriodicTask('Session purge', job, logger);
    task.start(1_000);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(job).toHaveBeenCalledTimes(3);
    expect(error).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenCalledWith(
      'Session purge failed: database unavailable',
      expect.stringContaining('database unavailable'),
    );
    await task.stop();
  });

  it('is disabled by an interval of 0', async () => {
    const task = new PeriodicTask('job', job, logger);
    task.start(0, { firstRunAfterMs: 10 });
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(job).not.toHaveBeenCalled();
    await task.stop();
  });

  it('can run first after a shorter delay, then every interval', async () => {
    const task = new PeriodicTask('job', job, logger);
    task.start(3_600_000, { firstRunAfterMs: 60_000 });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(job).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3_540_000);
    expect(job).toHaveBeenCalledTimes(2);
    await task.stop();
  });

  it('never keeps the process alive for its timers', async () => {
    const interval = jest.spyOn(global, 'setInterval');
    const timeout = jest.spyOn(global, 'setTimeout');
    const task = new PeriodicTask('job', job, logger);
    task.start(1_000, { firstRunAfterMs: 10 });
    const timers = [...interval.mock.results, ...timeout.mock.results].map(
      (result) => result.value as NodeJS.Timeout,
    );
    expect(timers).toHaveLength(2);
    for (const timer of timers) expect(timer.hasRef()).toBe(false);
    await task.stop();
    interval.mockRestore();
    timeout.mockRestore();
  });
});

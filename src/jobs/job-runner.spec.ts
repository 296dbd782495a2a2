import { Logger } from '@nestjs/common';
import { type DiscoveryService, MetadataScanner } from '@nestjs/core';
import { createSecretKey } from 'node:crypto';
import type { AuditCheckpointService } from '../audit/audit-checkpoint.service';
import { AuditJobs } from '../audit/audit-jobs.service';
import type { AuditRetentionService } from '../audit/audit-retention.service';
import type { AppConfig } from '../config/app-config';
import { JobRunner } from './job-runner';

describe('JobRunner, with the audit jobs', () => {
  let checkpoint: jest.Mock;
  let purge: jest.Mock;

  const jobs = (audit: Partial<AppConfig['audit']>) => {
    const instance = new AuditJobs(
      { checkpoint } as unknown as AuditCheckpointService,
      { purge } as unknown as AuditRetentionService,
    );
    const discovery = { getProviders: () => [{ instance, isAlias: false }] };
    return new JobRunner(discovery as unknown as DiscoveryService, new MetadataScanner(), {
      audit: { checkpointIntervalMs: 60_000, ...audit },
    } as AppConfig);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    checkpoint = jest.fn().mockResolvedValue(null);
    purge = jest.fn().mockResolvedValue({ purged: 0, throughSeq: null });
  });
  afterEach(() => jest.useRealTimers());

  it('schedules nothing without AUDIT_HMAC_KEY and AUDIT_RETENTION_DAYS', async () => {
    jobs({}).onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(checkpoint).not.toHaveBeenCalled();
    expect(purge).not.toHaveBeenCalled();
  });

  it('signs a checkpoint every AUDIT_CHECKPOINT_INTERVAL and purges a minute after start, then hourly', async () => {
    const scheduled = jobs({ hmacKey: createSecretKey(Buffer.alloc(32)), retentionDays: 30 });
    scheduled.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(checkpoint).toHaveBeenCalledTimes(1);
    expect(purge).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(checkpoint).toHaveBeenCalledTimes(61);
    expect(purge).toHaveBeenCalledTimes(2);
    await scheduled.onModuleDestroy();
  });

  it('never lets a process stay alive for its timers, and clears them on shutdown', async () => {
    const unref = jest.spyOn(global, 'setInterval');
    const scheduled = jobs({ hmacKey: createSecretKey(Buffer.alloc(32)), retentionDays: 30 });
    scheduled.onApplicationBootstrap();
    for (const result of unref.mock.results)
      expect((result.value as NodeJS.Timeout).hasRef()).toBe(false);
    await scheduled.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(checkpoint).not.toHaveBeenCalled();
    unref.mockRestore();
  });

  it('skips a tick while the previous run is still going, and survives a failing run', async () => {
    let finish!: () => void;
    checkpoint.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    checkpoint.mockRejectedValueOnce(new Error('database unavailable'));
    const scheduled = jobs({ hmacKey: createSecretKey(Buffer.alloc(32)) });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    scheduled.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(180_000);
    expect(checkpoint).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(checkpoint).toHaveBeenCalledTimes(3);
    await scheduled.onModuleDestroy();
    logged.mockRestore();
  });

  it('waits for a run in progress before the database closes', async () => {
    let finish!: () => void;
    checkpoint.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    const scheduled = jobs({ hmacKey: createSecretKey(Buffer.alloc(32)) });
    scheduled.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    let destroyed = false;
    const destroying = scheduled.onModuleDestroy().then(() => (destroyed = true));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(destroyed).toBe(false);
    finish();
    await destroying;
    expect(destroyed).toBe(true);
  });
});

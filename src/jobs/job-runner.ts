import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { JOB_SCHEDULE, type JobName } from './job-schedule';
import { PERIODIC_JOB } from './periodic-job.decorator';

/**
 * Starts every `@PeriodicJob` method of the application on its schedule once the application is up, and stops
 * them before the database closes (a run in progress finishes first). Only a serving instance imports it: the
 * CLI runs no job.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly tasks: PeriodicTask[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const [name, job] of this.discoverJobs()) {
      const declaration: (typeof JOB_SCHEDULE)[JobName] & { logContext?: string } =
        JOB_SCHEDULE[name];
      const task = new PeriodicTask(
        declaration.task,
        job,
        new Logger(declaration.logContext ?? declaration.task),
      );
      const { intervalMs, ...schedule } = declaration.timing(this.config);
      task.start(intervalMs, schedule);
      this.tasks.push(task);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.stop()));
  }

  private discoverJobs(): Map<JobName, () => Promise<unknown>> {
    const jobs = new Map<JobName, () => Promise<unknown>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const run = instance[method] as () => Promise<unknown>;
        const name = Reflect.getMetadata(PERIODIC_JOB, run) as JobName | undefined;
        if (name === undefined) continue;
        if (jobs.has(name)) throw new Error(`Two methods declare the periodic job ${name}`);
        jobs.set(name, () => run.call(instance));
      }
    }
    return jobs;
  }
}

import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-schedule';

export const PERIODIC_JOB = 'aegis:periodic-job';

/** The decorated method (no arguments) is the job `name` of JOB_SCHEDULE; the job runner calls it on schedule. */
export const PeriodicJob = (name: JobName): MethodDecorator => SetMetadata(PERIODIC_JOB, name);

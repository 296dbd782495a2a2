import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRunner } from './job-runner';

/** The periodic jobs of a serving instance (see JOB_SCHEDULE). */
@Module({ imports: [DiscoveryModule], providers: [JobRunner] })
export class JobsModule {}

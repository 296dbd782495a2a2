import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config';

/**
 * SIGTERM (Nest's shutdown hooks): readiness turns 503 (terminus), the HTTP server stops accepting, in-flight
 * requests finish, then the database pool and Redis close. This bounds the wait by SHUTDOWN_GRACE, and asks
 * clients to drop their keep-alive connection with each response sent meanwhile, so the server can close.
 */
@Injectable()
export class GracefulShutdown implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private draining = false;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', (_request, reply, payload, done) => {
      if (this.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /** Runs before the HTTP server closes. Without a signal (app.close() in tests) nothing is forced. */
  beforeApplicationShutdown(signal?: string): void {
    this.draining = true;
    if (signal === undefined) return;
    const graceMs = this.config.shutdownGraceMs;
    this.logger.log(`${signal}: finishing in-flight requests (at most ${graceMs} ms)`);
    setTimeout(() => {
      this.logger.error(`Requests still running ${graceMs} ms after ${signal}: exiting anyway`);
      process.exit(1);
    }, graceMs).unref();
  }
}

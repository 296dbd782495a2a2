import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { OpenConnections } from './open-connections';
import { ReadinessState } from './readiness-state';

/**
 * A keep-alive connection that has served nothing for this long after the instance stopped accepting is
 * closed. Any client that sends on it later races the close, so it must be long compared with the pause
 * between two requests of a busy client, and short compared with SHUTDOWN_GRACE.
 */
const QUIET_CONNECTION_MS = 1_000;
const POLL_MS = 25;

/**
 * SIGTERM (Nest's shutdown hooks), before the HTTP server and the pools close:
 * 1. readiness answers 503 at once, and the instance keeps serving for SHUTDOWN_DRAIN, so a load balancer
 *    notices and stops sending;
 * 2. it stops accepting connections, answers every request still arriving on an open connection with
 *    `Connection: close` (Node then closes that connection after the response), and closes connections that
 *    stay quiet; in-flight requests get SHUTDOWN_GRACE to finish, else the process exits 1;
 * 3. Nest closes the database pool and Redis, and the process exits 0, logging one line with what it drained.
 * Node's own server.close() would destroy every idle keep-alive connection at once, including one whose next
 * request is already on the wire: that client gets ECONNRESET. Step 2 is why that never runs on a busy socket.
 */
@Injectable()
export class GracefulShutdown implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly connections = new OpenConnections();
  private notReady = false;
  private closing = false;
  private drained: { signal: string; servedDuringDrain: number } | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly readiness: ReadinessState,
  ) {}

  /** True from the shutdown signal on: /health/ready answers 503. */
  get shuttingDown(): boolean {
    return this.notReady;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    this.connections.attach(fastify.server);
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (this.closing && request.raw.httpVersionMajor === 1)
        void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /**
   * The first step on a shutdown signal, before any shutdown hook runs: readiness answers 503 at once and the
   * instance keeps serving for SHUTDOWN_DRAIN, so a load balancer notices and stops sending.
   */
  async drain(signal: string): Promise<void> {
    this.notReady = true;
    this.readiness.shuttingDown();
    const { shutdownDrainMs: drainMs, shutdownGraceMs: graceMs } = this.config;
    this.logger.log(
      `${signal}: not ready; serving ${drainMs} ms more, then finishing in-flight requests (at most ${graceMs} ms)`,
    );
    const answeredBefore = this.connections.requestsAnswered;
    await sleep(drainMs);
    this.drained = {
      signal,
      servedDuringDrain: this.connections.requestsAnswered - answeredBefore,
    };
  }

  /** After drain(): closes the connections as they fall quiet. Without a drain (app.close() in tests) nothing is forced. */
  async beforeApplicationShutdown(): Promise<void> {
    this.notReady = true;
    this.readiness.shuttingDown();
    if (this.drained === undefined) {
      this.closing = true;
      return;
    }
    const { signal, servedDuringDrain } = this.drained;
    const { shutdownDrainMs: drainMs, shutdownGraceMs: graceMs } = this.config;

    this.closing = true;
    this.stopAccepting();
    const atClose = {
      connections: this.connections.count,
      requests: this.connections.requestsInFlight,
      answered: this.connections.requestsAnswered,
    };
    process.once('exit', (code) =>
      this.logger.log({
        msg: `Stopped after ${signal} with exit code ${code}`,
        signal,
        exit_code: code,
        drain_ms: drainMs,
        requests_served_during_drain: servedDuringDrain,
        connections_open_at_close: atClose.connections,
        requests_in_flight_at_close: atClose.requests,
        requests_served_after_close: this.connections.requestsAnswered - atClose.answered,
        connections_left_open: this.connections.count,
      }),
    );
    setTimeout(() => {
      this.logger.error(`Requests still running ${graceMs} ms after ${signal}: exiting anyway`);
      process.exit(1);
    }, graceMs).unref();
    while (this.connections.count > 0) {
      this.connections.closeQuiet(QUIET_CONNECTION_MS);
      await sleep(POLL_MS);
    }
  }

  /**
   * Closes the listening socket only. Fastify's close() later calls the HTTP server's close() too, which
   * finds no connection left to destroy.
   */
  private stopAccepting(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server?.listening) NetServer.prototype.close.call(server);
  }
}

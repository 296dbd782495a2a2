import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { APP_LOGGER, createAppLogger, LOG_DESTINATION, stdoutDestination } from './app-logger';
import { RequestLog } from './request-log';

/** The one pino logger of the application, for nestjs-pino and RequestLog alike. */
@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: stdoutDestination },
    {
      provide: APP_LOGGER,
      inject: [AppConfig, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream) =>
        createAppLogger(config.logLevel, destination),
    },
  ],
  exports: [APP_LOGGER],
})
class AppLoggerModule {}

/**
 * JSON logs through pino. nestjs-pino makes every Nest `Logger` write through the same logger. Its
 * per-request middleware (pino-http through Nest's middleware layer) is not mounted: RequestLog writes one
 * line per request with exactly the fields wanted, and the logger's mixin names the request a line was
 * written in (request-context.ts), so no request pays for a middleware engine and a pino-http child it
 * never uses (headers, which carry cookies and tokens, are never bound either way).
 */
@Global()
@Module({
  imports: [
    AppLoggerModule,
    LoggerModule.forRootAsync({
      imports: [AppLoggerModule],
      inject: [APP_LOGGER],
      useFactory: (logger: Logger) => ({
        forRoutes: [],
        pinoHttp: {
          logger,
          autoLogging: false,
          quietReqLogger: true,
          quietResLogger: true,
          customAttributeKeys: { reqId: 'request_id' },
        },
      }),
    }),
  ],
  providers: [RequestLog],
})
export class LoggingModule {}

import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter } from './app.setup';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { loadDotEnv } from './config/env-file';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

function levelsUpTo(level: AppConfig['logLevel']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const config = loadConfig(process.env);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createFastifyAdapter(config),
    { logger: levelsUpTo(config.logLevel) },
  );
  await configureApp(app, config);
  await app.listen(config.port, config.host);
  new Logger('Aegis').log(
    `Listening on http://${config.host}:${config.port} (${config.database.kind}); Swagger UI at /docs`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `Aegis failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});

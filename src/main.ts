import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter } from './app.setup';
import { loadConfig } from './config/app-config';
import { resolveDevelopmentSecrets } from './config/development-secrets';
import { loadDotEnv } from './config/env-file';
import { TypeOrmLogger } from './database/typeorm-logger';
import { fatalLine } from './logging/fatal-line';
import { closeOnShutdownSignals } from './health/shutdown-signals';
import { startLine } from './logging/start-line';
import { keepCreatedFilesPrivate, tightenDataFiles } from './common/private-files';
import { assertDatabaseReachable } from './database/database-reachability';

async function bootstrap(): Promise<void> {
  keepCreatedFilesPrivate();
  loadDotEnv();
  const config = resolveDevelopmentSecrets(loadConfig(process.env));
  const tightened = tightenDataFiles(
    config.dataDir,
    config.database.kind === 'sqlite' ? config.database.sqlitePath : undefined,
  );
  await assertDatabaseReachable(config.database);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createFastifyAdapter(config),
    // Start-up logs wait for the JSON logger (configureApp), so every line is JSON at LOG_LEVEL. A failure
    // while the application is built reaches the catch below (no exit from inside Nest, no flush of the
    // buffered framework lines and stack trace to the console).
    { bufferLogs: true, abortOnError: false, autoFlushLogs: false },
  );
  await configureApp(app, config);
  closeOnShutdownSignals(app);
  if (tightened.length > 0) {
    new Logger('Aegis').warn(`Removed group/other permissions from ${tightened.join(', ')}`);
  }
  await app.listen(config.port, config.host);
  const logger = app.get(DataSource).logger;
  new Logger('Aegis').log(
    startLine(
      await app.getUrl(),
      config,
      logger instanceof TypeOrmLogger ? logger.appliedMigrations : [],
    ),
  );
}

bootstrap().catch((error: unknown) => {
  console.error(fatalLine(error));
  process.exit(1);
});

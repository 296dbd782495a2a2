import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createFastifyAdapter } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { resolveDevelopmentSecrets } from '../../src/config/development-secrets';
import { createTestDatabase, type TestDatabase } from './test-database';
import { FakeClock } from './fake-clock';
import { checkResponsesAgainstOpenApi, takeOpenApiViolations } from './openapi-conformance';
import { ProbeController } from './probe.controller';

export const TEST_ADMIN = { username: 'root-admin', password: 'bootstrap admin passphrase' };

/** Short, readable lifetimes so tests can step through expiry with the fake clock. */
const BASE_ENV: Record<string, string> = {
  AEGIS_ENV: 'test',
  JWT_SECRET: 'e2e-secret-that-is-long-enough-0123456789',
  ACCESS_TOKEN_TTL: '5m',
  SESSION_IDLE_TTL: '30m',
  SESSION_ABSOLUTE_TTL: '2h',
  REFRESH_REUSE_GRACE: '10s',
  LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
  // Off: tests move a fake clock and run the provider's sweeps themselves; the suites of the sweep turn it on.
  OIDC_LOGOUT_SWEEP_INTERVAL: '0',
  AEGIS_ADMIN_USERNAME: TEST_ADMIN.username,
  AEGIS_ADMIN_PASSWORD: TEST_ADMIN.password,
  // Quiet by default; TEST_LOG_LEVEL=debug shows every request line while debugging a test.
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
};

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  clock: FakeClock;
  dataSource: DataSource;
  database: TestDatabase;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Swap providers (e.g. a failing repository) before the app starts. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Reuse a database (to restart the app on the same data). */
  database?: TestDatabase;
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

function testModule(config: AppConfig): DynamicModule {
  const app = AppModule.register(config);
  return { ...app, imports: [...(app.imports ?? []), ProbeModule] };
}

/**
 * Passport keeps strategies in one process-wide registry, so a second app would silently take over the first
 * one's authentication (and database). Test apps therefore never overlap in time.
 */
let openApps = 0;

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  if (openApps > 0)
    throw new Error(
      'Another test app is still open: close it first (passport strategies are global)',
    );
  const database = options.database ?? (await createTestDatabase());
  const redis: Record<string, string> = process.env.TEST_REDIS_URL
    ? {
        REDIS_URL: process.env.TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `aegis-e2e:${randomBytes(4).toString('hex')}:`,
      }
    : {};
  // options.env last: a test may point REDIS_URL elsewhere (through a proxy it can cut).
  const env: Record<string, string> = { ...BASE_ENV, ...database.env, ...redis, ...options.env };
  let app: NestFastifyApplication | undefined;
  try {
    const config = resolveDevelopmentSecrets(loadConfig(env));
    const clock = new FakeClock();
    let builder = Test.createTestingModule({ imports: [testModule(config)] })
      .overrideProvider(Clock)
      .useValue(clock);
    if (options.override) builder = options.override(builder);
    const moduleRef = await builder.compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), {
      logger: ['error'],
    });
    await configureApp(app, config);
    // Every response any e2e test receives is held to openapi.json (reported when the app closes).
    checkResponsesAgainstOpenApi(app.getHttpAdapter().getInstance());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    openApps++;
    return assemble(app, config, clock, database, options);
  } catch (error) {
    await app?.close().catch(() => undefined);
    if (!options.database) await database.drop();
    throw error;
  }
}

function assemble(
  app: NestFastifyApplication,
  config: AppConfig,
  clock: FakeClock,
  database: TestDatabase,
  options: TestAppOptions,
): TestApp {
  return {
    app,
    config,
    clock,
    database,
    dataSource: app.get(DataSource),
    http: () => request(app.getHttpServer()),
    close: async () => {
      openApps--;
      await app.close();
      if (!options.database) await database.drop();
      const violations = takeOpenApiViolations();
      if (violations.length > 0) {
        throw new Error(
          `Responses that contradict openapi.json (${violations.length}):\n${[...new Set(violations)].join('\n')}`,
        );
      }
    },
  };
}

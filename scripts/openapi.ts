import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument, createFastifyAdapter } from '../src/app.setup';
import { loadConfig } from '../src/config/app-config';

/**
 * Writes openapi.json (checked in, so API changes show in review), or with --check fails when the
 * checked-in document differs from what the code generates.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const dataDir = mkdtempSync(join(tmpdir(), 'aegis-openapi-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'error',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createFastifyAdapter(config),
    {
      logger: ['error'],
    },
  );
  try {
    const generated = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
    const file = resolve(__dirname, '../../openapi.json');
    if (!check) {
      writeFileSync(file, generated);
      console.log(`wrote ${file}`);
      return;
    }
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing: reported below
    }
    if (current !== generated) {
      console.error('openapi.json is out of date: run `npm run openapi` and commit the result.');
      process.exitCode = 1;
    } else {
      console.log('openapi.json is up to date');
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

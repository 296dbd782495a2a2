import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/**
 * A client generated from the checked-in openapi.json by openapi-typescript, used through openapi-fetch:
 * test/typed-client/flow.ts must compile, so every operation's error bodies are ProblemDetails (never `never`,
 * never untyped) and a login → users → refresh → sessions flow type-checks.
 */
describe('a client generated from openapi.json', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aegis-typed-client-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('types a full flow, with ProblemDetails as every error body', () => {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'),
        join(ROOT, 'openapi.json'),
        '-o',
        join(dir, 'aegis-api.d.ts'),
      ],
      { stdio: 'pipe' },
    );
    copyFileSync(join(ROOT, 'test/typed-client/flow.ts'), join(dir, 'flow.ts'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2023',
          lib: ['ES2023', 'DOM'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
          types: [],
          typeRoots: [join(ROOT, 'node_modules/@types')],
          baseUrl: undefined,
          paths: { 'openapi-fetch': [join(ROOT, 'node_modules/openapi-fetch')] },
        },
        files: ['flow.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
        stdio: 'pipe',
      });
    } catch (error) {
      output = String((error as { stdout?: Buffer }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 60_000);
});

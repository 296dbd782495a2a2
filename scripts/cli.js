// `npm run cli -- <command> [options]` (`npm run -s cli -- …` for output a program reads): runs dist/src/cli/main.js, building first only when dist/ is older than
// the sources (a make-like check: a build takes seconds, a command a fraction of one).
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const ENTRY = join(ROOT, 'dist/src/cli/main.js');
/** What the build reads. Folders count too: deleting or renaming a file changes its folder's mtime. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh() {
  if (!existsSync(ENTRY)) return false;
  const built = statSync(ENTRY).mtimeMs;
  return INPUTS.every((input) => newestMtime(join(ROOT, input)) <= built);
}

/** Runs node with `args`; `stdio` as for spawnSync. Returns the exit code. */
function node(args, stdio) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (!isFresh()) {
  const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [ROOT] });
  // The build's output goes to stderr: stdout carries the command's result (audit:export writes NDJSON there).
  const code = node([nest, 'build'], ['ignore', 2, 2]);
  if (code !== 0) process.exit(code);
}
// npm writes its banner (`> aegis@… cli` and the command) to stdout before it starts any script, unless it runs
// silently (`npm run -s cli`, which sets npm_config_loglevel=silent for the script); nothing here can take it back.
// When the output goes to a program rather than a terminal, say so where that program does not read.
if (
  process.env.npm_lifecycle_event === 'cli' &&
  process.env.npm_config_loglevel !== 'silent' &&
  !process.stdout.isTTY
)
  process.stderr.write(
    'aegis cli: npm printed its banner on stdout before this output; for output a program reads, run `npm run -s cli -- …`\n',
  );
process.exit(node([ENTRY, ...process.argv.slice(2)], 'inherit'));

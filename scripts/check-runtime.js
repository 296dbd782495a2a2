// `npm run check:runtime`: is this process the runtime the project declares, and does every installed package
// accept it? npm compares `engines` with the Node that runs npm itself, which on a machine whose own Node is older
// is not the Node the project runs on (npm ci brings that one, see .npmrc); this check compares with the real one.
// Also loads the two native modules, which must have been built for this runtime.
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
const semver = require('semver');

const ROOT = resolve(__dirname, '..');
const manifest = require(join(ROOT, 'package.json'));
const lock = require(join(ROOT, 'package-lock.json'));
const version = process.versions.node;
const problems = [];

if (!semver.satisfies(version, manifest.engines.node)) {
  problems.push(`this runtime is Node ${version}; package.json wants ${manifest.engines.node}`);
}
for (const [path, entry] of Object.entries(lock.packages)) {
  const wanted = entry.engines?.node;
  // Optional packages for other platforms are in the lockfile but not on disk.
  if (!path || !wanted || !existsSync(join(ROOT, path))) continue;
  if (!semver.satisfies(version, wanted, { includePrerelease: true })) {
    problems.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants Node ${wanted}`);
  }
}
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').prepare('SELECT 1').get();
} catch (error) {
  problems.push(`better-sqlite3 does not load: ${error.message.split('\n')[0]}`);
}

require('argon2')
  .hash('runtime check', { memoryCost: 1024, timeCost: 1, parallelism: 1 })
  .catch((error) => problems.push(`argon2 does not load: ${error.message.split('\n')[0]}`))
  .then(() => {
    if (problems.length > 0) {
      console.error(`Runtime check failed on Node ${version}:\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log(
      `Node ${version}: the declared runtime; every installed package accepts it; native modules load.`,
    );
  });

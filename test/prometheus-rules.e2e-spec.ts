import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const INSTALL =
  'apt-get install prometheus (Debian/Ubuntu), or put promtool from a Prometheus release on PATH';

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  // Never a skip: without promtool the rules are unchecked, and that is a failure (CI installs it: .ci/run).
  if (result.error)
    throw new Error(`promtool is not installed (${result.error.message}): ${INSTALL}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** ops/prometheus/alerts.yml is valid for Prometheus, and each alert fires on its pattern and only then. */
describe('the Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', 'ops/prometheus/alerts.yml');
    expect({ status, output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS: 8 rules found'),
    });
  });

  it('pass their unit tests (promtool test rules ops/prometheus/alerts.test.yml)', () => {
    const { status, output } = promtool('test', 'rules', 'ops/prometheus/alerts.test.yml');
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

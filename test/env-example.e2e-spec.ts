import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

const ROOT = join(__dirname, '..');
const example = readFileSync(join(ROOT, '.env.example'), 'utf8');

/** The variables of the README's configuration table (first column; `A` / `B` rows name two). */
function readmeVariables(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

/**
 * `cp .env.example .env` must give exactly the documented variables. Node's own parser (what Aegis uses to
 * load .env) reads a comment line without `#` as part of a value, which silently loses the next variable.
 */
describe('.env.example', () => {
  const parsed = Object.keys(parseEnv(example)).sort();
  const assigned = example
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => line.slice(0, line.indexOf('=')))
    .sort();

  it("parses with Node's parser to exactly the variables it assigns", () => {
    expect(parsed).toEqual(assigned);
  });

  it('assigns exactly the variables of the README configuration table', () => {
    expect(parsed).toEqual([...new Set(readmeVariables())].sort());
  });

  it('has no line that is neither a comment, an assignment nor blank', () => {
    const stray = example
      .split('\n')
      .filter(
        (line) => line.trim() !== '' && !line.startsWith('#') && !/^[A-Z][A-Z0-9_]*=/.test(line),
      );
    expect(stray).toEqual([]);
  });
});

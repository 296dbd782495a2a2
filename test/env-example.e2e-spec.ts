import { parseEnv } from 'node:util';
import { CONFIG_SECTIONS } from '../src/config/schema/app-config.schema';
import { firstTable, readDoc, section } from './support/docs';

const example = readDoc('.env.example');

/** The configuration table of docs/operations.md, from its header to its last row. */
const table = firstTable(section(readDoc('docs/operations.md'), '## Configuration'));

/** The variables of the configuration table (first column; `A` / `B` rows name two). */
function documentedVariables(): string[] {
  return table
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

/** Every variable a configuration section reads (its zod object's keys, before the section's transform). */
function schemaVariables(): string[] {
  return Object.values(CONFIG_SECTIONS).flatMap((schema) => Object.keys(schema.in.shape));
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

  it('assigns exactly the variables of the configuration table in docs/operations.md', () => {
    expect(parsed).toEqual([...new Set(documentedVariables())].sort());
  });

  it('assigns exactly the variables the configuration schema reads', () => {
    expect(parsed).toEqual([...new Set(schemaVariables())].sort());
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

describe('the configuration table of docs/operations.md', () => {
  // A blank line ends a Markdown table: the rows after it would render as loose text.
  it('is one table: a header, its delimiter row and a row per variable, three cells each, no line between', () => {
    const rows = section(readDoc('docs/operations.md'), '## Configuration')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(table.slice(0, 2)).toEqual(['| Variable | Default | Meaning |', '| --- | --- | --- |']);
    expect(table.slice(2)).toEqual(rows);
    for (const row of rows) expect([row, row.split(' | ').length]).toEqual([row, 3]);
  });
});

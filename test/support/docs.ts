import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root: README.md, docs/, .env.example. */
export const ROOT = join(__dirname, '..', '..');

/** A documentation file by its path from the repository's root (`README.md`, `docs/api.md`). */
export function readDoc(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** Where the next Markdown heading starts (`#` at a line start outside a code block). */
function nextHeading(text: string): number {
  let inCode = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    else if (!inCode && line.startsWith('#')) return offset;
    offset += line.length + 1;
  }
  return text.length;
}

/** The text under a heading (given with its `#`s), up to the next heading of any level. */
export function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  return rest.slice(0, nextHeading(rest));
}

/** The ```bash blocks of a piece of Markdown, in order. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** The lines of the first table in a piece of Markdown, from its header to its last row. */
export function firstTable(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start < 0) throw new Error('no table');
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  return lines.slice(start, end < 0 ? lines.length : end);
}

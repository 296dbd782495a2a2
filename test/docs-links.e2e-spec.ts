import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDoc, ROOT } from './support/docs';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)];

/** Outside code blocks: links and headings in a code block are not Markdown. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(path: string): string[] {
  return [...prose(readDoc(path)).matchAll(/^#+ (.+)$/gm)].map((match) => anchorOf(match[1]));
}

/** `[text](target)` links to this repository's files: not a URL, not a mail address. */
function localLinks(path: string): string[] {
  return [...prose(readDoc(path)).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z]+:/.test(target));
}

describe('the documentation', () => {
  it('keeps the README short enough to read in five minutes (at most 250 lines)', () => {
    expect(readDoc('README.md').split('\n').length).toBeLessThanOrEqual(250);
  });

  it.each(DOCS)('%s links only to files and headings that exist', (path) => {
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    const broken = localLinks(path).filter((target) => {
      const [file, anchor] = target.split('#');
      const linked = file === '' ? path : join(folder, file);
      if (!existsSync(join(ROOT, linked))) return true;
      return anchor !== undefined && !anchorsOf(linked).includes(anchor);
    });
    expect(broken).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLOBAL_GUARDS } from './global-guards';

describe('the global guards as the contributor guide lists them', () => {
  it('names every global guard, in the order they run', () => {
    const guide = readFileSync(join(__dirname, '../../../docs/contributing.md'), 'utf8');
    const section = guide.slice(
      guide.indexOf('- **Deny by default**'),
      guide.indexOf('- **Sessions**'),
    );
    const listed = [...section.matchAll(/^ {2}\d+\. `(\w+)`:/gm)].map(([, name]) => name);
    expect(listed).toEqual(GLOBAL_GUARDS.map(({ guard }) => guard.name));
  });
});

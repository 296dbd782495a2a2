import { userInfo } from 'node:os';
import type { CliCommand } from '../../cli/cli-command';
import { UnitOfWork } from '../../database/unit-of-work';
import { SigningKeysService } from '../signing-keys.service';

/** `npm run cli -- keys:rotate`: new signing keys; the previous ones stay published until their tokens expired. */
export const keysRotateCommand: CliCommand = {
  name: 'keys:rotate',
  summary:
    'Add new OpenID signing keys (ES256, RS256); the previous ones keep verifying until they expire',
  options: {},
  async run(app, _values, output) {
    const keys = app.get(SigningKeysService);
    await keys.privateJwks();
    const added = await app
      .get(UnitOfWork)
      .run(() =>
        keys.rotate({ userId: null, details: { via: 'cli', os_user: userInfo().username } }),
      );
    output.out(`New signing keys: ${added.join(', ')}`);
    output.out('Running servers pick them up within SESSION_PURGE_INTERVAL.');
    return 0;
  },
};

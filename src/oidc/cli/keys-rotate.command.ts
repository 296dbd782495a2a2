import { userInfo } from 'node:os';
import { CliCommand, type CliCommandRunner, type CliOutput } from '../../common/cli/cli-command';
import { UnitOfWork } from '../../database/unit-of-work';
import { SigningKeysService } from '../signing-keys.service';

/** `npm run cli -- keys:rotate`: new signing keys; the previous ones stay published until their tokens expired. */
@CliCommand({
  name: 'keys:rotate',
  summary:
    'Add new OpenID signing keys (ES256, RS256); the previous ones keep verifying until they expire',
  options: {},
})
export class KeysRotateCommand implements CliCommandRunner {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(_values: unknown, output: CliOutput): Promise<number> {
    await this.keys.privateJwks();
    const added = await this.unitOfWork.run(() =>
      this.keys.rotate({ userId: null, details: { via: 'cli', os_user: userInfo().username } }),
    );
    output.out(`New signing keys: ${added.join(', ')}`);
    output.out('Running servers pick them up within SESSION_PURGE_INTERVAL.');
    return 0;
  }
}

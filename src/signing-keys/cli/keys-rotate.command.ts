import { CliCommand, type CliCommandRunner, type CliOutput } from '../../common/cli/cli-command';
import { cliOperator } from '../../common/cli/cli-operator';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { SigningKeyPurpose } from '../signing-key-kinds';
import { SigningKeyStore } from '../signing-key-store.service';

/**
 * `npm run cli -- keys:rotate`: new signing keys for the OpenID provider and Aegis's access tokens. They are
 * published at once and sign after SIGNING_KEY_ACTIVATION_DELAY; the previous ones verify until their tokens expired.
 */
@CliCommand({
  name: 'keys:rotate',
  summary:
    'Add new signing keys (OpenID ES256 and RS256, access tokens ES256); they sign after the activation delay, the previous ones keep verifying until their tokens expired',
  options: {},
})
export class KeysRotateCommand implements CliCommandRunner {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  async run(_values: unknown, output: CliOutput): Promise<number> {
    for (const purpose of Object.values(SigningKeyPurpose)) await this.keys.keysOf(purpose);
    const added = await this.unitOfWork.run(() => this.keys.rotate(cliOperator()));
    output.out(`New signing keys: ${added.join(', ')}`);
    output.out(
      `Running servers publish them within SIGNING_KEY_POLL_INTERVAL and sign with them in ${Math.ceil(this.config.signingKeys.activationDelayMs / 1000)} s.`,
    );
    return 0;
  }
}

import { userInfo } from 'node:os';
import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../common/cli/cli-command';
import { DomainError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../../database/unit-of-work';
import { OidcClientsService, type ClientGrantType } from '../oidc-clients.service';

const list = (value: string | boolean | string[] | undefined): string[] =>
  value === undefined || typeof value === 'boolean' ? [] : ([] as string[]).concat(value);

function validUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `npm run cli -- clients:create --name … --redirect-uri …`: prints client_id (and the secret) once. */
@CliCommand({
  name: 'clients:create',
  summary:
    'Register an OpenID Connect client; prints client_id and (confidential) client_secret once',
  options: {
    name: { type: 'string', required: true, description: 'Shown on the sign-in page' },
    'redirect-uri': {
      type: 'string',
      multiple: true,
      description: 'Exact redirect URI (repeatable)',
    },
    'post-logout-redirect-uri': {
      type: 'string',
      multiple: true,
      description: 'Exact URI allowed after logout (repeatable)',
    },
    'backchannel-logout-uri': {
      type: 'string',
      description: 'Receives back-channel logout tokens',
    },
    public: { type: 'boolean', description: 'No secret (SPA, native app); PKCE only' },
    grant: {
      type: 'string',
      multiple: true,
      description: 'authorization_code (default) or client_credentials (repeatable)',
    },
    'id-token-alg': { type: 'string', description: 'ES256 (default) or RS256' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
})
export class ClientsCreateCommand implements CliCommandRunner {
  constructor(
    private readonly clients: OidcClientsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const urls = [
      ...list(values['redirect-uri']),
      ...list(values['post-logout-redirect-uri']),
      ...list(values['backchannel-logout-uri']),
    ];
    const bad = urls.filter((url) => !validUrl(url));
    if (bad.length > 0) {
      output.err(`Not an absolute http(s) URL: ${bad.join(', ')}`);
      return 2;
    }
    const grants = list(values.grant);
    if (grants.some((grant) => grant !== 'authorization_code' && grant !== 'client_credentials')) {
      output.err('--grant must be authorization_code or client_credentials');
      return 2;
    }
    const alg = (values['id-token-alg'] as string | undefined) ?? 'ES256';
    if (alg !== 'ES256' && alg !== 'RS256') {
      output.err('--id-token-alg must be ES256 or RS256');
      return 2;
    }
    try {
      const { client, secret } = await this.unitOfWork.run(() =>
        this.clients.create(
          { userId: null, details: { via: 'cli', os_user: userInfo().username } },
          {
            name: values.name as string,
            redirectUris: list(values['redirect-uri']),
            postLogoutRedirectUris: list(values['post-logout-redirect-uri']),
            backchannelLogoutUri: (values['backchannel-logout-uri'] as string | undefined) ?? null,
            isPublic: values.public === true,
            grantTypes: (grants.length > 0 ? grants : ['authorization_code']) as ClientGrantType[],
            idTokenSigningAlg: alg,
          },
        ),
      );
      if (values.json === true)
        output.out(
          JSON.stringify({ client_id: client.id, ...(secret && { client_secret: secret }) }),
        );
      else {
        output.out(`client_id:     ${client.id}`);
        if (secret) output.out(`client_secret: ${secret}   (shown once; stored only as a hash)`);
      }
      return 0;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      output.err(error.options.detail ?? error.title);
      return 2;
    }
  }
}

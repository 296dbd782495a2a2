import { readFileSync } from 'node:fs';
import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../common/cli/cli-command';
import { cliOperator } from '../../common/cli/cli-operator';
import { DomainError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../../database/unit-of-work';
import {
  CONFIDENTIAL_AUTH_METHODS,
  type ClientJwks,
  type ConfidentialAuthMethod,
} from '../client-registration';
import { OidcClientsService, type ClientGrantType } from '../oidc-clients.service';

const list = (value: string | boolean | string[] | undefined): string[] =>
  value === undefined || typeof value === 'boolean' ? [] : ([] as string[]).concat(value);

/** The JWK Set in `path`, or why it is not one (the provider checks the keys themselves). */
function readJwks(path: string): ClientJwks | string {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const keys = (parsed as { keys?: unknown } | null)?.keys;
    return Array.isArray(keys)
      ? { keys: keys as ClientJwks['keys'] }
      : `${path} has no "keys" array`;
  } catch (error) {
    return `${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

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
    'backchannel-logout-without-sid': {
      type: 'boolean',
      description:
        'Logout tokens name the user only (by default they carry sid, the session to end)',
    },
    public: { type: 'boolean', description: 'No secret (SPA, native app); PKCE only' },
    grant: {
      type: 'string',
      multiple: true,
      description: 'authorization_code (default) or client_credentials (repeatable)',
    },
    'id-token-alg': { type: 'string', description: 'ES256 (default) or RS256' },
    'token-endpoint-auth-method': {
      type: 'string',
      description:
        'client_secret_basic (default), client_secret_post, or private_key_jwt (no secret; give --jwks-file or --jwks-uri)',
    },
    'jwks-file': {
      type: 'string',
      description: 'private_key_jwt: a JSON file holding the public keys ({"keys": [...]})',
    },
    'jwks-uri': {
      type: 'string',
      description: 'private_key_jwt: where Aegis fetches the public keys',
    },
    'introspection-resource': {
      type: 'string',
      multiple: true,
      description:
        'A resource of OIDC_RESOURCES this client serves: it may introspect tokens issued for it (repeatable)',
    },
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
      ...list(values['jwks-uri']),
      ...list(values['introspection-resource']),
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
    const method = values['token-endpoint-auth-method'] as string | undefined;
    if (
      method !== undefined &&
      !(CONFIDENTIAL_AUTH_METHODS as readonly string[]).includes(method)
    ) {
      output.err(`--token-endpoint-auth-method must be ${CONFIDENTIAL_AUTH_METHODS.join(', ')}`);
      return 2;
    }
    const jwksFile = values['jwks-file'] as string | undefined;
    const jwks = jwksFile === undefined ? undefined : readJwks(jwksFile);
    if (typeof jwks === 'string') {
      output.err(`--jwks-file: ${jwks}`);
      return 2;
    }
    try {
      const { client, secret } = await this.unitOfWork.run(() =>
        this.clients.create(cliOperator(), {
          name: values.name as string,
          redirectUris: list(values['redirect-uri']),
          postLogoutRedirectUris: list(values['post-logout-redirect-uri']),
          backchannelLogoutUri: (values['backchannel-logout-uri'] as string | undefined) ?? null,
          backchannelLogoutSessionRequired:
            values['backchannel-logout-without-sid'] === true ? false : undefined,
          isPublic: values.public === true,
          grantTypes: (grants.length > 0 ? grants : ['authorization_code']) as ClientGrantType[],
          idTokenSigningAlg: alg,
          tokenEndpointAuthMethod: method as ConfidentialAuthMethod | undefined,
          jwks,
          jwksUri: (values['jwks-uri'] as string | undefined) ?? null,
          introspectionResources: list(values['introspection-resource']),
        }),
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

import { AuditService } from '../../src/audit/audit.service';
import { Clock } from '../../src/common/clock';
import { ClientMetadataValidator } from '../../src/oidc/client-metadata-validator';
import { OidcClient } from '../../src/oidc/entities/oidc-client.entity';
import { OidcClientsRepository } from '../../src/oidc/oidc-clients.repository';
import { OidcClientsService, type ClientRegistration } from '../../src/oidc/oidc-clients.service';
import { OidcError } from '../../src/oidc/oidc.error';
import type { Actor } from '../../src/users/user-administration.service';
import { FrozenClock, META } from './auth-fixtures';
import { newTestService, provide } from './test-service';

/** The administrator of the OIDC client specs. */
export const ADMIN: Actor = { userId: 'admin-1', meta: META };

/** A confidential code-flow client, as an administrator registers it. */
export const webApp = (overrides: Partial<ClientRegistration> = {}): ClientRegistration => ({
  name: 'Wiki',
  redirectUris: ['https://wiki.example/callback'],
  postLogoutRedirectUris: [],
  backchannelLogoutUri: null,
  isPublic: false,
  grantTypes: ['authorization_code'],
  idTokenSigningAlg: 'ES256',
  ...overrides,
});

/** A public key set (the provider's rules are a double here). */
export const KEYS = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] };

/** What a registration reads back with when it named none of the authentication fields. */
export const STORED_DEFAULTS = {
  tokenEndpointAuthMethod: 'client_secret_basic',
  jwks: null,
  jwksUri: null,
  introspectionResources: [],
  backchannelLogoutSessionRequired: false,
} as const;

/**
 * OidcClientsService over the clients table as the repository answers for it (rows by id, copies handed out),
 * with doubles for the audit and the provider's rules.
 */
export function oidcClients() {
  const clock = new FrozenClock();
  const { service, double } = newTestService(OidcClientsService, provide(Clock, clock));
  const rows = new Map<string, OidcClient>();
  const clients = double(OidcClientsRepository);
  const copy = (row: OidcClient) => Object.assign(new OidcClient(), row);
  clients.insert.mockImplementation(async (row) => void rows.set(row.id, copy(row)));
  clients.save.mockImplementation(async (row) => void rows.set(row.id, copy(row)));
  clients.findById.mockImplementation(async (id) => {
    const row = rows.get(id);
    return row ? copy(row) : null;
  });
  clients.list.mockImplementation(async () => [...rows.values()].map(copy));
  clients.delete.mockImplementation(async (id) => rows.delete(id));
  return {
    service,
    clients,
    rows,
    clock,
    audit: double(AuditService),
    validator: double(ClientMetadataValidator),
  };
}

export async function oidcErrorOf(promise: Promise<unknown>): Promise<OidcError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OidcError)) throw new Error(`expected an OidcError, got ${String(error)}`);
  return error;
}

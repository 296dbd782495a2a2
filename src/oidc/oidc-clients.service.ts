import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Actor } from '../users/user-administration.service';
import { newClientSecret } from './client-secret';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcClientsRepository } from './oidc-clients.repository';
import { OidcError, OidcErrorCode } from './oidc.error';

export type ClientGrantType = 'authorization_code' | 'client_credentials';
export type IdTokenAlg = 'ES256' | 'RS256';

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  /** A public client (a SPA, a CLI) has no secret and authenticates with PKCE alone. */
  isPublic: boolean;
  grantTypes: ClientGrantType[];
  idTokenSigningAlg: IdTokenAlg;
}

export type ClientChanges = Partial<
  Pick<
    ClientRegistration,
    | 'name'
    | 'redirectUris'
    | 'postLogoutRedirectUris'
    | 'backchannelLogoutUri'
    | 'idTokenSigningAlg'
  >
> & { isEnabled?: boolean };

/** What the registration stores as JSON: OIDC client metadata (RFC 7591 names), never a secret. */
interface StoredMetadata {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri?: string;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'none';
  id_token_signed_response_alg: IdTokenAlg;
}

export interface RegisteredClient {
  id: string;
  registration: ClientRegistration;
  isEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Relying parties registered by administrators (HTTP or CLI); the provider reads them through its adapter. */
@Injectable()
export class OidcClientsService {
  constructor(
    private readonly clients: OidcClientsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Registers a client; the secret (confidential clients) is returned here once and stored only as a hash. */
  async create(
    actor: Actor,
    registration: ClientRegistration,
  ): Promise<{ client: RegisteredClient; secret?: string }> {
    assertCoherent(registration);
    const now = this.clock.now();
    const credentials = registration.isPublic ? undefined : newClientSecret();
    const row = Object.assign(new OidcClient(), {
      id: `aegis-${randomBytes(12).toString('base64url')}`,
      name: registration.name,
      metadata: JSON.stringify(toMetadata(registration)),
      secretHash: credentials?.hash ?? null,
      isEnabled: true,
      createdAt: now,
      updatedAt: now,
    });
    await this.clients.insert(row);
    await this.audit.record({
      action: AuditAction.OidcClientCreated,
      outcome: 'success',
      actorUserId: actor.userId,
      resourceType: 'oidc_client',
      resourceId: row.id,
      details: {
        name: registration.name,
        public: registration.isPublic,
        grant_types: registration.grantTypes.join(' '),
        redirect_uris: registration.redirectUris.join(' '),
        ...actor.details,
      },
      meta: actor.meta,
    });
    return { client: fromRow(row), secret: credentials?.secret };
  }

  async list(): Promise<RegisteredClient[]> {
    return (await this.clients.list()).map(fromRow);
  }

  async get(id: string): Promise<RegisteredClient> {
    return fromRow(await this.row(id));
  }

  async update(actor: Actor, id: string, changes: ClientChanges): Promise<RegisteredClient> {
    const row = await this.row(id);
    const current = fromRow(row);
    const { isEnabled, ...registrationChanges } = changes;
    const changed = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    const registration: ClientRegistration = {
      ...current.registration,
      ...Object.fromEntries(
        Object.entries(registrationChanges).filter(([, value]) => value !== undefined),
      ),
    };
    assertCoherent(registration);
    Object.assign(row, {
      name: registration.name,
      metadata: JSON.stringify(toMetadata(registration)),
      isEnabled: isEnabled ?? row.isEnabled,
      updatedAt: this.clock.now(),
    });
    await this.clients.save(row);
    await this.audit.record({
      action: AuditAction.OidcClientUpdated,
      outcome: 'success',
      actorUserId: actor.userId,
      resourceType: 'oidc_client',
      resourceId: id,
      details: { changed: changed.join(' '), ...actor.details },
      meta: actor.meta,
    });
    return fromRow(row);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.clients.delete(id))) throw new OidcError(OidcErrorCode.ClientNotFound);
    await this.audit.record({
      action: AuditAction.OidcClientDeleted,
      outcome: 'success',
      actorUserId: actor.userId,
      resourceType: 'oidc_client',
      resourceId: id,
      details: { ...actor.details },
      meta: actor.meta,
    });
  }

  /**
   * The client as the provider reads it: metadata with the secret's hash in `client_secret` (the provider's
   * secret comparison is replaced by a hash check). A disabled or deleted client is unknown to the provider:
   * it gets no new tokens, and its tokens stop being accepted.
   */
  async providerMetadata(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.clients.findById(id);
    if (!row?.isEnabled) return undefined;
    return {
      ...(JSON.parse(row.metadata) as StoredMetadata),
      client_id: row.id,
      ...(row.secretHash !== null && { client_secret: row.secretHash }),
    } as AdapterPayload;
  }

  /**
   * The URIs the provider may send requests to: each enabled client's back-channel logout URI and key set URI, as
   * URL hrefs. Administrators registered them, so they are trusted wherever they point.
   */
  async registeredOutboundUris(): Promise<Set<string>> {
    const uris = new Set<string>();
    for (const row of await this.clients.list()) {
      if (!row.isEnabled) continue;
      const metadata = JSON.parse(row.metadata) as {
        backchannel_logout_uri?: string;
        jwks_uri?: string;
      };
      for (const uri of [metadata.backchannel_logout_uri, metadata.jwks_uri])
        if (uri !== undefined) uris.add(new URL(uri).href);
    }
    return uris;
  }

  private async row(id: string): Promise<OidcClient> {
    const row = await this.clients.findById(id);
    if (!row) throw new OidcError(OidcErrorCode.ClientNotFound);
    return row;
  }
}

function assertCoherent(registration: ClientRegistration): void {
  const problem = (detail: string) => {
    throw new OidcError(OidcErrorCode.InvalidClientMetadata, detail);
  };
  if (registration.grantTypes.length === 0) problem('grant_types must not be empty');
  if (
    registration.grantTypes.includes('authorization_code') &&
    registration.redirectUris.length === 0
  )
    problem('a client using authorization_code needs at least one redirect URI');
  if (registration.isPublic && registration.grantTypes.includes('client_credentials'))
    problem('a public client cannot use client_credentials (it has no secret)');
  if (
    !registration.grantTypes.includes('authorization_code') &&
    registration.redirectUris.length > 0
  )
    problem('redirect URIs are only for clients using authorization_code');
}

function toMetadata(registration: ClientRegistration): StoredMetadata {
  const interactive = registration.grantTypes.includes('authorization_code');
  return {
    client_name: registration.name,
    redirect_uris: registration.redirectUris,
    post_logout_redirect_uris: registration.postLogoutRedirectUris,
    ...(registration.backchannelLogoutUri !== null && {
      backchannel_logout_uri: registration.backchannelLogoutUri,
    }),
    // Refresh tokens come with the code flow (issued only when offline_access is granted).
    grant_types: interactive
      ? [...registration.grantTypes, 'refresh_token']
      : registration.grantTypes,
    response_types: interactive ? ['code'] : [],
    token_endpoint_auth_method: registration.isPublic ? 'none' : 'client_secret_basic',
    id_token_signed_response_alg: registration.idTokenSigningAlg,
  };
}

function fromRow(row: OidcClient): RegisteredClient {
  const metadata = JSON.parse(row.metadata) as StoredMetadata;
  return {
    id: row.id,
    isEnabled: row.isEnabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    registration: {
      name: row.name,
      redirectUris: metadata.redirect_uris,
      postLogoutRedirectUris: metadata.post_logout_redirect_uris,
      backchannelLogoutUri: metadata.backchannel_logout_uri ?? null,
      isPublic: metadata.token_endpoint_auth_method === 'none',
      grantTypes: metadata.grant_types.filter(
        (grant): grant is ClientGrantType => grant !== 'refresh_token',
      ),
      idTokenSigningAlg: metadata.id_token_signed_response_alg,
    },
  };
}

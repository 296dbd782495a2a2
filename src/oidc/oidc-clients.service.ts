import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Actor } from '../users/user-administration.service';
import { ClientMetadataValidator } from './client-metadata-validator';
import { providerView, toMetadata, toRegistration } from './client-metadata';
import {
  applyChanges,
  assertCoherent,
  usesSecret,
  withDefaults,
  type ClientChanges,
  type ClientRegistration,
  type StoredRegistration,
} from './client-registration';
import { newClientSecret } from './client-secret';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcClientsRepository } from './oidc-clients.repository';
import { OidcError, OidcErrorCode } from './oidc.error';

export type {
  ClientAuthMethod,
  ClientChanges,
  ClientGrantType,
  ClientJwks,
  ClientRegistration,
  IdTokenAlg,
  StoredRegistration,
} from './client-registration';

export interface RegisteredClient {
  id: string;
  registration: StoredRegistration;
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
    private readonly validator: ClientMetadataValidator,
  ) {}

  /**
   * Registers a client, checked by Aegis's rules and the provider's; the secret (clients authenticating with
   * one) is returned here once and stored only as a hash.
   */
  async create(
    actor: Actor,
    input: ClientRegistration,
  ): Promise<{ client: RegisteredClient; secret?: string }> {
    const registration = withDefaults(input);
    assertCoherent(registration);
    const now = this.clock.now();
    const credentials = usesSecret(registration.tokenEndpointAuthMethod)
      ? newClientSecret()
      : undefined;
    const row = Object.assign(new OidcClient(), {
      id: `aegis-${randomBytes(12).toString('base64url')}`,
      name: registration.name,
      metadata: JSON.stringify(toMetadata(registration)),
      secretHash: credentials?.hash ?? null,
      isEnabled: true,
      createdAt: now,
      updatedAt: now,
    });
    await this.validator.validate(providerView(row));
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
        token_endpoint_auth_method: registration.tokenEndpointAuthMethod,
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
    const registration = applyChanges(current.registration, registrationChanges);
    assertSameCredentialKind(current.registration, registration);
    assertCoherent(registration);
    const metadata = JSON.stringify(toMetadata(registration));
    // Checked when the metadata changes: a client stored before a rule existed can still be disabled.
    const recheck = metadata !== row.metadata;
    Object.assign(row, {
      name: registration.name,
      metadata,
      // A client moving from its secret to its keys keeps no secret.
      secretHash: usesSecret(registration.tokenEndpointAuthMethod) ? row.secretHash : null,
      isEnabled: isEnabled ?? row.isEnabled,
      updatedAt: this.clock.now(),
    });
    if (recheck) await this.validator.validate(providerView(row));
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
   * The client as the provider reads it (`providerView`). A disabled or deleted client is unknown to the
   * provider: it gets no new tokens, and its tokens stop being accepted.
   */
  async providerMetadata(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.clients.findById(id);
    return row?.isEnabled ? providerView(row) : undefined;
  }

  /** Whether an enabled client serves `resource` and introspects its tokens (`introspection_resources`). */
  async isIntrospectedResource(resource: string): Promise<boolean> {
    return (await this.clients.list()).some(
      (row) => row.isEnabled && toRegistration(row).introspectionResources.includes(resource),
    );
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

/**
 * A client's kind of credential is chosen at registration: a public client stays public, and a client without a
 * secret (private_key_jwt) gets none later. Moving from a secret to keys is allowed (the secret is dropped).
 */
function assertSameCredentialKind(before: StoredRegistration, after: StoredRegistration): void {
  const from = before.tokenEndpointAuthMethod;
  const to = after.tokenEndpointAuthMethod;
  if (from === to || (usesSecret(from) && (usesSecret(to) || to === 'private_key_jwt'))) return;
  throw new OidcError(
    OidcErrorCode.InvalidClientMetadata,
    `a client registered with ${from} cannot change to ${to} (it has no secret to use): register a new client`,
    'token_endpoint_auth_method',
  );
}

function fromRow(row: OidcClient): RegisteredClient {
  return {
    id: row.id,
    isEnabled: row.isEnabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    registration: toRegistration(row),
  };
}

import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../common/clock';
import type { OidcClientsService } from './oidc-clients.service';
import type { OidcPayloadRepository } from './oidc-payload.repository';
import type { SessionLinksService } from './session-links.service';
import { HASHED_MODELS, storedKeyOf } from './stored-token-key';

/** Models whose rows carry a grant id: revoking a grant deletes them all. */
export const GRANT_BOUND_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'Grant',
] as const;

/**
 * The provider's storage (its `adapter` interface) over TypeORM. `Client` is answered from the clients an
 * administrator registered; every other model is a JSON payload row with its expiry, so the periodic purge
 * can delete what expired. Tokens and codes are stored under their SHA-256 and without their value
 * (`HASHED_MODELS`): the value a client presents is hashed to find the row, and put back into the payload read.
 */
export class TypeOrmAdapter implements Adapter {
  private readonly hashed: boolean;

  constructor(
    private readonly model: string,
    private readonly payloads: OidcPayloadRepository,
    private readonly clients: OidcClientsService,
    private readonly links: SessionLinksService,
    private readonly clock: Clock,
  ) {
    this.hashed = HASHED_MODELS.has(model);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    if (this.model === 'Client') throw new Error('Clients are registered through /oidc-clients');
    await this.payloads.upsert({
      model: this.model,
      id: storedKeyOf(this.model, id),
      payload: JSON.stringify(this.hashed ? { ...payload, jti: undefined } : payload),
      grantId: payload.grantId ?? null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expiresAt: expiresIn ? new Date(this.clock.now().getTime() + expiresIn * 1000) : null,
      consumedAt: null,
    });
    // A code is the first artifact that names both the grant and the browser session: the link learns which
    // provider session to end (and which clients to notify) when the Aegis session ends.
    if (this.model === 'AuthorizationCode' && payload.grantId && payload.sessionUid)
      await this.links.recordProviderSession(payload.grantId, payload.sessionUid);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === 'Client') return this.clients.providerMetadata(id);
    // Every use of a grant (code exchange, refresh, userinfo, introspection) finds it here: once its Aegis
    // session ended or its user was disabled, the grant and everything issued under it stop working at once.
    if (this.model === 'Grant' && !(await this.links.isGrantLive(id))) return undefined;
    const found = this.parse(await this.payloads.find(this.model, storedKeyOf(this.model, id)));
    return found && this.hashed ? { ...found, jti: id } : found;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.parse(await this.payloads.findBy(this.model, { userCode }));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.parse(await this.payloads.findBy(this.model, { uid }));
  }

  async consume(id: string): Promise<void> {
    await this.payloads.consume(this.model, storedKeyOf(this.model, id), this.clock.now());
  }

  async destroy(id: string): Promise<void> {
    await this.payloads.destroy(this.model, storedKeyOf(this.model, id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.payloads.destroyByGrant(GRANT_BOUND_MODELS, grantId);
  }

  private parse(
    row: { payload: string; consumedAt: Date | null } | null,
  ): AdapterPayload | undefined {
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    // The provider reads `consumed` to detect a replayed authorization code (and revoke its grant).
    return row.consumedAt
      ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) }
      : payload;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Account, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import { Clock } from '../common/clock';
import { PeriodicJob } from '../jobs/periodic-job.decorator';
import { AppConfig } from '../config/app-config';
import { SigningKeyPurpose } from '../signing-keys/signing-key-kinds';
import { SigningKeyStore } from '../signing-keys/signing-key-store.service';
import { UsersService } from '../users/users.service';
import { clientSecretMatches } from './client-secret';
import { OidcClientsService } from './oidc-clients.service';
import { OidcPayloadRepository } from './oidc-payload.repository';
import { registeredUriFetch } from './logout/registered-uri-fetch';
import { providerConfiguration } from './provider-configuration';
import { SessionLinksService } from './session-links.service';
import { TypeOrmAdapter } from './typeorm-adapter';

/** Provider routes after the /oidc mount, for Aegis's own hooks around them. */
export type ProviderMiddleware = (
  ctx: KoaContextWithOIDC,
  next: () => Promise<void>,
) => Promise<void>;

/**
 * Owns the oidc-provider instance. Built on first use: the issuer may depend on the address the server listens
 * on (development), and the signing keys come from the database. Rebuilt when another process rotated the keys.
 */
@Injectable()
export class OidcProviderService {
  private readonly logger = new Logger(OidcProviderService.name);
  private current?: Promise<{ provider: Provider; stamp: string }>;
  private listeningAddress?: () => AddressInfo | string | null;
  private readonly middleware: ProviderMiddleware[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeyStore,
    private readonly payloads: OidcPayloadRepository,
    private readonly clients: OidcClientsService,
    private readonly links: SessionLinksService,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  /** Where the HTTP server listens, for the development issuer (PUBLIC_URL unset). */
  useServerAddress(address: () => AddressInfo | string | null): void {
    this.listeningAddress = address;
  }

  /** Koa middleware run around every provider request (audit, ending Aegis sessions on logout). */
  use(middleware: ProviderMiddleware): void {
    this.middleware.push(middleware);
  }

  async provider(): Promise<Provider> {
    this.current ??= this.build().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return (await this.current).provider;
  }

  /** Serves one request under /oidc (the URL with the mount path removed, as the provider expects). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const provider = await this.provider();
    const original = request.url ?? '/';
    Object.assign(request, { originalUrl: original, url: original.slice('/oidc'.length) || '/' });
    await provider.callback()(request, response);
  }

  /**
   * Picks up keys rotated by another process (the CLI), and a new key's activation: the next request uses a
   * provider that publishes them, and signs with the key that became current.
   */
  @PeriodicJob('oidc-keys-refresh')
  async reloadIfKeysChanged(): Promise<boolean> {
    if (!this.current) return false;
    const { stamp } = await this.current;
    if ((await this.keys.stampOf(SigningKeyPurpose.OpenId)) === stamp) return false;
    this.current = undefined;
    await this.provider();
    this.logger.log('Signing keys changed: the OpenID provider now uses the new set');
    return true;
  }

  issuer(): string {
    if (this.config.publicUrl !== undefined) return `${this.config.publicUrl}/oidc`;
    const address = this.listeningAddress?.();
    if (address === undefined || address === null || typeof address === 'string')
      throw new Error('The OpenID issuer needs PUBLIC_URL or a listening server');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const shown = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : host;
    return `http://${shown}:${address.port}/oidc`;
  }

  private async build(): Promise<{ provider: Provider; stamp: string }> {
    const stored = await this.keys.keysOf(SigningKeyPurpose.OpenId);
    const stamp = await this.keys.stampOf(SigningKeyPurpose.OpenId);
    // The provider signs with the first key of an algorithm: the current one, never a key not yet activated.
    const jwks = this.keys
      .signingFirst(stored, SigningKeyPurpose.OpenId)
      .map((key) => key.privateJwk);
    const provider = new Provider(
      this.issuer(),
      providerConfiguration(this.config, jwks, {
        adapter: (name) =>
          new TypeOrmAdapter(name, this.payloads, this.clients, this.links, this.clock),
        findAccount: this.findAccount,
        aegisSessionEnded: async (ctx) => {
          const session = ctx.oidc.session;
          // A sign-in that just finished (this resume carries it) is the live session.
          if (!session?.accountId || ctx.oidc.result?.login) return false;
          return (await this.links.liveAegisSessionOf(session.uid)) === null;
        },
        fetch: registeredUriFetch(async (href) =>
          (await this.clients.registeredOutboundUris()).has(href),
        ),
        resourceIntrospected: (resource) => this.clients.isIntrospectedResource(resource),
      }),
    );
    // Behind trusted proxies the provider believes X-Forwarded-Proto/Host, as the rest of Aegis does.
    provider.proxy = this.config.trustedProxies.length > 0;
    // Secrets are stored as hashes: the provider's plain comparison is replaced by a hash check.
    provider.Client.prototype.compareClientSecret = function (
      this: { clientSecret?: string },
      actual: string,
    ) {
      return Promise.resolve(clientSecretMatches(this.clientSecret, actual));
    };
    // Every ID token carries `sid` (OpenID Back-Channel Logout), not only those of clients that require it in
    // their logout tokens: a tool can then match a logout token that names the session to the one it holds.
    provider.Client.prototype.includeSid = () => true;
    for (const middleware of this.middleware) provider.use(middleware);
    return { provider, stamp };
  }

  /**
   * The account behind `sub`, only while the user is active; claims per scope. Userinfo also says how the
   * sign-in behind the access token went (`amr`, `acr`, `auth_time`), as the ID token does.
   */
  private readonly findAccount: FindAccount = async (ctx, sub, token) => {
    const user = await this.users.findById(sub);
    if (!user?.isActive) return undefined;
    const sessionUid =
      token && 'sessionUid' in token && typeof token.sessionUid === 'string'
        ? token.sessionUid
        : undefined;
    const signIn =
      sessionUid === undefined ? undefined : await ctx.oidc.provider.Session.findByUid(sessionUid);
    const account: Account = {
      accountId: user.id,
      claims: (use) => ({
        sub: user.id,
        preferred_username: user.username,
        name: user.displayName ?? user.username,
        roles: [user.role],
        ...(use === 'userinfo' &&
          signIn?.accountId === user.id && {
            amr: signIn.amr,
            acr: signIn.acr,
            auth_time: signIn.loginTs,
          }),
      }),
    };
    return account;
  };
}

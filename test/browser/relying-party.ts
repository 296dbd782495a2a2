import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { OidcClientsService } from '../../src/oidc/oidc-clients.service';
import { loopbackFetch } from '../support/loopback-hosts';
import type { TestApp } from '../support/test-app';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface LocalSession {
  sub?: string;
  amr?: string[];
  idToken?: string;
  /** The sign-in in progress: PKCE verifier, state, nonce. */
  pending?: { verifier: string; state: string; nonce: string };
}

/**
 * A tool that signs its users in through Aegis, as small as one can be: node:http and openid-client 6, the code
 * flow with PKCE, its own session cookie, RP-initiated logout, and a back-channel logout endpoint that verifies
 * the logout token against the JWKS and ends the local sessions of that user. Reached at `host` (a name of
 * test/support/loopback-hosts.ts, or 127.0.0.1), and reaching Aegis under such a name too.
 */
export class RelyingParty {
  readonly sessions = new Map<string, LocalSession>();
  readonly logoutTokens: string[] = [];
  private server?: Server;
  private config?: client.Configuration;
  base = '';

  constructor(
    readonly name: string,
    private readonly host = '127.0.0.1',
  ) {}

  /** Listens first: the client registration needs the URLs. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://${this.host}:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  /**
   * Starts the tool, registers it as a confidential client of the Aegis at `aegisBase` (its callback, its
   * signed-out page, and its back-channel receiver when asked) and discovers the provider.
   */
  async register(t: TestApp, aegisBase: string, options: { backchannel: boolean }): Promise<void> {
    const url = await this.start();
    const { client: registered, secret } = await t.app.get(UnitOfWork).run(() =>
      t.app.get(OidcClientsService).create(
        { userId: null },
        {
          name: this.name,
          redirectUris: [`${url}/callback`],
          postLogoutRedirectUris: [`${url}/signed-out`],
          backchannelLogoutUri: options.backchannel ? `${url}/backchannel` : null,
          isPublic: false,
          grantTypes: ['authorization_code'],
          idTokenSigningAlg: 'ES256',
        },
      ),
    );
    await this.discover(`${aegisBase}/oidc`, registered.id, secret!);
  }

  async discover(issuer: string, clientId: string, secret: string): Promise<void> {
    this.config = await client.discovery(
      new URL(issuer),
      clientId,
      { id_token_signed_response_alg: 'ES256' },
      client.ClientSecretBasic(secret),
      {
        execute: [client.allowInsecureRequests],
        [client.customFetch]: (url, options) => loopbackFetch(url, options as RequestInit),
      },
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.base);
    const sid = /(?:^|;\s*)rp_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    const session = sid === undefined ? undefined : this.sessions.get(sid);
    const config = this.config!;
    switch (url.pathname) {
      case '/login': {
        const pending = {
          verifier: client.randomPKCECodeVerifier(),
          state: client.randomState(),
          nonce: client.randomNonce(),
        };
        const id = randomBytes(16).toString('hex');
        this.sessions.set(id, { pending });
        const target = client.buildAuthorizationUrl(config, {
          redirect_uri: `${this.base}/callback`,
          scope: 'openid profile',
          code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
          code_challenge_method: 'S256',
          state: pending.state,
          nonce: pending.nonce,
        });
        return redirect(response, target.href, `rp_session=${id}; Path=/; HttpOnly`);
      }
      case '/callback': {
        if (!session?.pending) return page(response, 400, 'No sign-in in progress');
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: session.pending.verifier,
          expectedState: session.pending.state,
          expectedNonce: session.pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims()!;
        Object.assign(session, {
          pending: undefined,
          sub: claims.sub,
          amr: claims.amr as string[] | undefined,
          idToken: tokens.id_token,
        });
        return redirect(response, `${this.base}/`);
      }
      case '/logout': {
        const target = client.buildEndSessionUrl(config, {
          post_logout_redirect_uri: `${this.base}/signed-out`,
          ...(session?.idToken && { id_token_hint: session.idToken }),
        });
        if (sid !== undefined) this.sessions.delete(sid);
        return redirect(response, target.href);
      }
      case '/backchannel':
        return this.backchannel(request, response);
      case '/signed-out':
        return page(response, 200, `Signed out of ${this.name}`);
      default:
        return page(
          response,
          200,
          session?.sub
            ? `${this.name}: signed in as ${session.sub} (amr ${session.amr?.join(' ')})`
            : `${this.name}: signed out`,
        );
    }
  }

  /** OpenID Connect Back-Channel Logout 1.0: a signed logout token; every local session of its `sub` ends. */
  private async backchannel(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += (chunk as Buffer).toString('utf8');
    const token = new URLSearchParams(body).get('logout_token') ?? '';
    const metadata = this.config!.serverMetadata();
    const { payload } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(metadata.jwks_uri!), {
        [customFetch]: loopbackFetch,
      }),
      {
        issuer: metadata.issuer,
        audience: this.config!.clientMetadata().client_id,
        typ: 'logout+jwt',
      },
    );
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events?.[BACKCHANNEL_EVENT] || payload.nonce !== undefined) {
      response.writeHead(400).end();
      return;
    }
    this.logoutTokens.push(token);
    for (const [id, local] of this.sessions)
      if (local.sub === payload.sub) this.sessions.delete(id);
    response.writeHead(200, { 'cache-control': 'no-store' }).end();
  }
}

function redirect(response: ServerResponse, location: string, cookie?: string): void {
  response.writeHead(302, { location, ...(cookie && { 'set-cookie': cookie }) }).end();
}

function page(response: ServerResponse, status: number, text: string): void {
  response
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
    .end(`<!doctype html><title>${text}</title><p id="status">${text}</p>`);
}

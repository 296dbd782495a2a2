import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** The library's browser bundle (global `oidc`), as its package ships it (not in its exports map). */
const LIBRARY = readFileSync(
  join(
    dirname(require.resolve('oidc-client-ts/package.json')),
    'dist/browser/oidc-client-ts.min.js',
  ),
);

/**
 * The single-page app: oidc-client-ts's UserManager as its README sets it up for the code flow (PKCE is its
 * default), with `offline_access` and `prompt=consent` (without that prompt an OpenID provider drops
 * offline_access, and there is no refresh token). What the test drives is on `window.spa`.
 */
const APP = `
const { authority, clientId } = window.SPA_SETTINGS;
const manager = new oidc.UserManager({
  authority,
  client_id: clientId,
  redirect_uri: location.origin + '/callback.html',
  post_logout_redirect_uri: location.origin + '/',
  scope: 'openid profile offline_access',
  prompt: 'consent',
  loadUserInfo: true,
});
const view = (user) =>
  user && {
    sub: user.profile.sub,
    username: user.profile.preferred_username,
    scope: user.scope,
    accessToken: user.access_token,
    refreshToken: user.refresh_token,
    idToken: user.id_token,
  };
window.spa = {
  signIn: () => manager.signinRedirect(),
  user: async () => view(await manager.getUser()),
  refresh: async () => view(await manager.signinSilent()),
  signOut: () => manager.signoutRedirect(),
};
const status = document.getElementById('status');
if (location.pathname === '/callback.html')
  manager.signinRedirectCallback().then(
    () => location.replace('/'),
    (error) => (status.textContent = 'Sign-in failed: ' + error.message),
  );
else
  manager.getUser().then((user) => {
    status.textContent = user ? 'Signed in as ' + user.profile.sub : 'Signed out';
  });
`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPA</title></head>
<body><p id="status">Loading</p>
<script src="/oidc-client-ts.js"></script>
<script src="/app.js"></script>
</body></html>`;

/**
 * A static single-page app on http://localhost:PORT (a secure context, which oidc-client-ts needs for PKCE's
 * crypto.subtle), signing in with oidc-client-ts 3 as a public client of the provider at `authority`.
 */
export class OidcClientSpa {
  private server?: Server;
  base = '';
  private settings = { authority: '', clientId: '' };

  /** Listens first: the client registration needs the URLs. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/oidc-client-ts.js') return send(response, 'text/javascript', LIBRARY);
      if (path === '/app.js')
        return send(
          response,
          'text/javascript',
          `window.SPA_SETTINGS = ${JSON.stringify(this.settings)};\n${APP}`,
        );
      if (path === '/' || path === '/callback.html') return send(response, 'text/html', PAGE);
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://localhost:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  /** The provider (its issuer) and the client id the app was registered with. */
  use(authority: string, clientId: string): void {
    this.settings = { authority, clientId };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function send(response: ServerResponse, type: string, body: string | Buffer): void {
  response.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
  });
  response.end(body);
}

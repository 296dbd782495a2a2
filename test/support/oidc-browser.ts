/**
 * A browser without a browser: fetch with a cookie jar and manual redirects, for walking the OpenID code flow
 * through the hosted sign-in form. Cookies are kept by name and path (the provider scopes its interaction cookies
 * by path); Domain and expiry are not needed against one test server.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path =
        attributes.find((attribute) => attribute.toLowerCase().startsWith('path='))?.slice(5) ??
        '/';
      const expired = attributes.some(
        (attribute) =>
          /^max-age=0$/i.test(attribute) ||
          (/^expires=/i.test(attribute) && new Date(attribute.slice(8)).getTime() < Date.now()),
      );
      const key = `${name}\u0000${path}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }

  header(url: URL): string {
    return [...this.cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .sort(([, a], [, b]) => b.path.length - a.path.length)
      .map(([key, cookie]) => `${key.split('\u0000')[0]}=${cookie.value}`)
      .join('; ');
  }

  value(name: string): string | undefined {
    for (const [key, cookie] of this.cookies)
      if (key.split('\u0000')[0] === name) return cookie.value;
    return undefined;
  }

  delete(name: string): void {
    for (const key of [...this.cookies.keys()])
      if (key.split('\u0000')[0] === name) this.cookies.delete(key);
  }
}

export interface Hop {
  status: number;
  url: URL;
  location?: URL;
  body: string;
}

export class TestBrowser {
  readonly jar = new CookieJar();

  async request(url: URL | string, init: RequestInit = {}): Promise<Hop> {
    const target = new URL(url);
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.jar.header(target) },
    });
    this.jar.store(response);
    const location = response.headers.get('location');
    return {
      status: response.status,
      url: target,
      location: location === null ? undefined : new URL(location, target),
      body: await response.text(),
    };
  }

  /** Follows redirects until a page (2xx/4xx) or a redirect leaving `origin` (the relying party's callback). */
  async follow(url: URL | string, origin: string, init: RequestInit = {}): Promise<Hop> {
    let hop = await this.request(url, init);
    for (let hops = 0; hop.location && hops < 10; hops++) {
      if (hop.location.origin !== origin) return hop;
      hop = await this.request(hop.location);
    }
    return hop;
  }

  /** Submits the sign-in form of `page` (its action) with these fields, following redirects. */
  submit(page: Hop, origin: string, fields: Record<string, string>): Promise<Hop> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    if (!action) throw new Error(`No sign-in form in:\n${page.body.slice(0, 500)}`);
    return this.follow(new URL(action.replace(/&amp;/g, '&'), page.url), origin, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

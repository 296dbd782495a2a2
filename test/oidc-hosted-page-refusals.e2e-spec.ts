import { cookieNamesOf } from './factories/session.factory';
import { createUser, type UserFixture } from './factories/user.factory';
import { authorizationUrl, listen, registerRp, type RegisteredRp } from './support/oidc';
import { TestBrowser, type Hop } from './support/oidc-browser';
import { expectProblem } from './support/security';
import { createTestApp, type TestApp } from './support/test-app';

const LIMIT = 3;

/**
 * The hosted sign-in behind any host name: its pages let the browser send their own origin with their form posts
 * (a referrer policy other than no-referrer), the cross-origin guard still refuses `Origin: null` from anything
 * else, and every refusal on a page is an Aegis page (HTML that says what to do), never problem+json.
 */
describe('OpenID Connect: refusals on the hosted sign-in pages', () => {
  let t: TestApp;
  let base: string;
  let rp: RegisteredRp;
  let alice: UserFixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    base = await listen(t);
    rp = await registerRp(t, base);
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  /** A fresh sign-in page in a fresh browser, and where its form posts. */
  async function signInPage(): Promise<{ browser: TestBrowser; page: Hop; action: URL }> {
    const browser = new TestBrowser();
    const page = await browser.follow((await authorizationUrl(rp)).url, base);
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1];
    return { browser, page, action: new URL(action.replace(/&amp;/g, '&'), page.url) };
  }

  const post = (browser: TestBrowser, action: URL, headers: Record<string, string>) =>
    browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ username: alice.username, password: alice.password }).toString(),
    });

  const expectPage = (hop: Hop, status: number, heading: string) => {
    expect(hop.status).toBe(status);
    expect(hop.body).toMatch(/^<!doctype html>/);
    expect(hop.body).toContain(`<h1>${heading}</h1>`);
    expect(hop.body).not.toContain('"code"');
  };

  it('sends the pages with a referrer policy that lets the browser name their origin on their own form posts', async () => {
    const { page } = await signInPage();
    const response = await fetch(page.url);
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.body).toContain('<meta name="referrer" content="same-origin">');
  });

  it('accepts the form posted with the page origin and no Sec-Fetch-Site (Chromium on plain HTTP)', async () => {
    const { browser, action } = await signInPage();
    const hop = await post(browser, action, { origin: base });
    expect(hop.status).toBe(303);
    expect(hop.location?.pathname).toMatch(/^\/oidc\/auth\//);
  });

  it('refuses the form posted with Origin: null and no Sec-Fetch-Site with an HTML page that says what to do', async () => {
    const { browser, action } = await signInPage();
    const hop = await post(browser, action, { origin: 'null' });
    expectPage(hop, 403, 'This form was not sent from Aegis');
    expect(hop.body).toContain('Go back to the application you came from');
    expect(browser.jar.value('aegis_access')).toBeUndefined();
  });

  it('sends a refusal page with the headers of every hosted page: their CSP and referrer policy', async () => {
    const { action } = await signInPage();
    const response = await fetch(action, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('answers an unknown or expired sign-in with an HTML page, on GET and on POST', async () => {
    const browser = new TestBrowser();
    expectPage(
      await browser.request(`${base}/oidc/interaction/unknown-uid`),
      400,
      'This sign-in link has expired',
    );
    expectPage(
      await post(browser, new URL(`${base}/oidc/interaction/unknown-uid`), { origin: base }),
      400,
      'This sign-in link has expired',
    );
  });

  it('answers planted cookies (an Aegis cookie sent twice) on a page with an HTML page', async () => {
    const { page } = await signInPage();
    const { access } = cookieNamesOf(t);
    const response = await fetch(page.url, {
      headers: { cookie: `${access}=one; ${access}=two` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const body = await response.text();
    expect(body).toContain('<h1>Sign-in could not continue</h1>');
    expect(body).toContain('sign-in cookies that do not belong together');
  });

  it('keeps problem+json for the same refusal on the JSON API', async () => {
    const response = await t
      .http()
      .post('/auth/login')
      .set('Origin', 'null')
      .send({ username: alice.username, password: alice.password });
    expectProblem(response, 403, 'CSRF_REJECTED');
  });

  it('answers the sign-in POST over the per-IP limit with a 429 page and Retry-After', async () => {
    const { browser, action } = await signInPage();
    let hop: Hop | undefined;
    for (let attempt = 0; attempt <= LIMIT + 1 && hop?.status !== 429; attempt++)
      hop = await post(browser, action, { origin: base });
    expectPage(hop!, 429, 'Too many attempts');
    expect(hop!.body).toContain('Too many sign-in attempts from your network');
  });
});

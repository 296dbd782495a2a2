import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createUser } from './factories/user.factory';
import { readDoc } from './support/docs';
import { TestBrowser } from './support/oidc-browser';
import { listen, registerRp, signInWithPassword } from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

const DOC = 'docs/integrating.md';

/** The code block after `<!-- tested: name -->` in docs/integrating.md. */
function testedBlock(name: string): string {
  const match = new RegExp(`<!-- tested: ${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(
    readDoc(DOC),
  );
  if (!match) throw new Error(`${DOC} has no tested block "${name}"`);
  return match[1];
}

describe('docs/integrating.md: "Verify access tokens in an API"', () => {
  let t: TestApp;
  let base: string;
  const folder = join(__dirname, '.doc-snippets');

  beforeAll(async () => {
    t = await createTestApp({
      env: { OIDC_RESOURCES: 'https://api.example.test/,https://payments.example.test/' },
    });
    base = await listen(t);
    mkdirSync(folder, { recursive: true });
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await t.close();
  });

  it('the resource-server snippet verifies an access token from Aegis and refuses another audience', async () => {
    const rp = await registerRp(t, base);
    const alice = await createUser(t);
    const { tokens } = await signInWithPassword(rp, base, alice, new TestBrowser(), {
      resource: 'https://api.example.test/',
      scope: 'openid read',
    });
    const snippet = testedBlock('verify-access-token')
      .replace("'https://aegis.example.com/oidc'", `'${base}/oidc'`)
      .replace("'https://api.example.com/'", `'https://api.example.test/'`);
    const file = join(folder, 'verify-access-token.mjs');
    writeFileSync(
      file,
      `${snippet}\nconsole.log(JSON.stringify(await verifyAccessToken(process.argv[2])));\n`,
    );
    const run = (token: string) => promisify(execFile)(process.execPath, [file, token]);
    const { stdout } = await run(tokens.access_token);
    expect(JSON.parse(stdout)).toEqual({
      user: alice.user.id,
      client: rp.clientId,
      scopes: ['read'],
    });

    const forAegis = await signInWithPassword(rp, base, alice);
    await expect(run(forAegis.tokens.access_token)).rejects.toThrow();
  });

  it('the introspection snippet accepts a token issued for its API and refuses another tool’s token', async () => {
    const payments = 'https://payments.example.test/';
    const api = await registerRp(t, base, {
      grantTypes: ['client_credentials'],
      redirectUris: [],
      postLogoutRedirectUris: [],
      introspectionResources: [payments],
    });
    const rp = await registerRp(t, base);
    const alice = await createUser(t);
    const { tokens } = await signInWithPassword(rp, base, alice, new TestBrowser(), {
      resource: payments,
      scope: 'openid read',
    });
    const snippet = testedBlock('introspect-access-token')
      .replace("'https://aegis.example.com/oidc'", `'${base}/oidc'`)
      .replace("'https://api.example.com/'", `'${payments}'`);
    const file = join(folder, 'introspect-access-token.mjs');
    writeFileSync(
      file,
      `${snippet}\nconsole.log(JSON.stringify(await introspectAccessToken(process.argv[2])));\n`,
    );
    const run = (token: string) =>
      promisify(execFile)(process.execPath, [file, token], {
        env: { ...process.env, API_CLIENT_ID: api.clientId, API_CLIENT_SECRET: api.clientSecret },
      });
    const { stdout } = await run(tokens.access_token);
    expect(JSON.parse(stdout)).toEqual({
      user: alice.user.id,
      client: rp.clientId,
      scopes: ['read'],
    });

    // A token the tool got for Aegis itself is not the API's to accept (introspection says inactive).
    const forAegis = await signInWithPassword(rp, base, alice);
    await expect(run(forAegis.tokens.access_token)).rejects.toThrow(/token refused/);
  });
});

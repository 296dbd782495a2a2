import { decodeJwt } from 'jose';
import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { createUser } from './factories/user.factory';
import { BackchannelReceiver } from './support/backchannel-receiver';
import { listen, REDIRECT_URI, registerRp, signInWithPassword } from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

/** `sid`: in every ID token, and in logout tokens of the tools that registered that they need it. */
describe('OpenID sid in ID and logout tokens', () => {
  let t: TestApp;
  let base: string;
  let admin: AdminFixture;
  const receiver = new BackchannelReceiver();
  let uri: string;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    admin = await createAdmin(t);
    uri = await receiver.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => receiver.tokens.splice(0));

  async function logoutTokenAfterSignIn(sessionRequired: boolean) {
    const tool = await registerRp(t, base, {
      backchannelLogoutUri: uri,
      backchannelLogoutSessionRequired: sessionRequired,
    });
    const who = await createUser(t);
    const { tokens, browser } = await signInWithPassword(tool, base, who);
    const idToken = decodeJwt(tokens.id_token!);
    const logout = await t
      .http()
      .post('/auth/logout-all')
      .set('authorization', `Bearer ${browser.jar.value('aegis_token')}`);
    expect(logout.status).toBe(200);
    const [token] = await receiver.received(1);
    return { idToken, logoutToken: decodeJwt(token) };
  }

  it('a tool that requires it gets the sid of its ID token in the logout token', async () => {
    const { idToken, logoutToken } = await logoutTokenAfterSignIn(true);
    expect(typeof idToken.sid).toBe('string');
    expect(logoutToken.sid).toBe(idToken.sid);
    expect(logoutToken.sub).toBe(idToken.sub);
  });

  it('a tool that does not gets sid in its ID token, and a logout token naming the user only', async () => {
    const { idToken, logoutToken } = await logoutTokenAfterSignIn(false);
    expect(typeof idToken.sid).toBe('string');
    expect(logoutToken.sid).toBeUndefined();
    expect(logoutToken.sub).toBe(idToken.sub);
  });

  it('is registered through the API (on by default with a back-channel URI), shown, changed, and refused without one', async () => {
    const created = await t
      .http()
      .post('/oidc-clients')
      .set('authorization', admin.bearer)
      .send({
        name: 'Tracker',
        redirect_uris: [REDIRECT_URI],
        backchannel_logout_uri: 'http://10.1.2.3/logout',
        backchannel_logout_session_required: true,
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ backchannel_logout_session_required: true });
    const id = created.body.client_id as string;
    const off = await t
      .http()
      .patch(`/oidc-clients/${id}`)
      .set('authorization', admin.bearer)
      .send({ backchannel_logout_session_required: false });
    expect(off.body).toMatchObject({ backchannel_logout_session_required: false });
    // The default: on with a back-channel URI, off without one.
    const byDefault = await t
      .http()
      .post('/oidc-clients')
      .set('authorization', admin.bearer)
      .send({
        name: 'Wiki',
        redirect_uris: [REDIRECT_URI],
        backchannel_logout_uri: 'http://10.1.2.3/bcl',
      });
    expect(byDefault.body).toMatchObject({ backchannel_logout_session_required: true });
    const noUri = await t
      .http()
      .post('/oidc-clients')
      .set('authorization', admin.bearer)
      .send({ name: 'Chat', redirect_uris: [REDIRECT_URI] });
    expect(noUri.body).toMatchObject({ backchannel_logout_session_required: false });
    const alone = await t
      .http()
      .post('/oidc-clients')
      .set('authorization', admin.bearer)
      .send({
        name: 'Alone',
        redirect_uris: [REDIRECT_URI],
        backchannel_logout_session_required: true,
      });
    expect(alone.status).toBe(400);
    expect(alone.body).toMatchObject({ code: 'OIDC_INVALID_CLIENT_METADATA' });
    const notBoolean = await t
      .http()
      .post('/oidc-clients')
      .set('authorization', admin.bearer)
      .send({
        name: 'Typo',
        redirect_uris: [REDIRECT_URI],
        backchannel_logout_session_required: 'yes',
      });
    expect(notBoolean.status).toBe(400);
  });
});

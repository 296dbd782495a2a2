import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { EndedSessionSweep } from '../src/oidc/logout/ended-session-sweep.service';
import { Session } from '../src/sessions/entities/session.entity';
import { User } from '../src/users/entities/user.entity';
import { createUser, type UserFixture } from './factories/user.factory';
import { BackchannelReceiver } from './support/backchannel-receiver';
import { client, listen, registerRp, signInWithPassword, type RegisteredRp } from './support/oidc';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * The sweep that logs tools out of Aegis sessions that ended where this instance heard nothing: rows changed by
 * another process (the CLI, another instance) and sessions that expired.
 */
describe('OIDC logout sweep', () => {
  let t: TestApp;
  let base: string;
  let tool: RegisteredRp;
  const receiver = new BackchannelReceiver();

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    tool = await registerRp(t, base, {
      name: 'Tracker',
      backchannelLogoutUri: await receiver.start(),
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => receiver.tokens.splice(0));

  const sweep = () => t.app.get(EndedSessionSweep).runOnce();
  const subjects = (tokens: string[]) => tokens.map((token) => decodeJwt(token).sub);

  async function signedIn(): Promise<{ who: UserFixture; accessToken: string }> {
    const who = await createUser(t);
    const { tokens } = await signInWithPassword(tool, base, who);
    return { who, accessToken: tokens.access_token };
  }

  it('ends the tools of a session another process revoked, once, and leaves live ones alone', async () => {
    const revoked = await signedIn();
    const live = await signedIn();
    // What the CLI does in its own process: the row changes, no event reaches this instance.
    await t.app
      .get(DataSource)
      .getRepository(Session)
      .update({ userId: revoked.who.user.id }, { revokedAt: t.clock.now() });
    expect(await sweep()).toBe(1);
    expect(subjects(await receiver.received(1))).toEqual([revoked.who.user.id]);
    expect(await client.tokenIntrospection(tool.config, revoked.accessToken)).toEqual({
      active: false,
    });
    expect(await client.tokenIntrospection(tool.config, live.accessToken)).toMatchObject({
      active: true,
    });
    expect(await sweep()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.tokens).toHaveLength(1);
  });

  it('ends the tools of a user disabled by another process', async () => {
    const disabled = await signedIn();
    await t.app
      .get(DataSource)
      .getRepository(User)
      .update({ id: disabled.who.user.id }, { isActive: false });
    expect(await sweep()).toBe(1);
    expect(subjects(await receiver.received(1))).toEqual([disabled.who.user.id]);
  });

  it('ends the tools of a session that expired, without waiting for the purge interval', async () => {
    const expiring = await signedIn();
    expect(await sweep()).toBe(0);
    t.clock.advance(31 * 60_000);
    try {
      expect(await sweep()).toBeGreaterThanOrEqual(1);
      expect(subjects(await receiver.received(1))).toContain(expiring.who.user.id);
    } finally {
      t.clock.advance(-31 * 60_000);
    }
  });
});

import { LoginChallenge } from '../src/auth/login/login-challenge/login-challenge.entity';
import { WebAuthnCeremony } from '../src/mfa/entities/webauthn-ceremony.entity';
import { SignInStatePurgeService } from '../src/auth/login/login-challenge/sign-in-state-purge.service';
import { passwordStep, withTotp } from './factories/mfa.factory';
import { createUser } from './factories/user.factory';
import { createTestApp, type TestApp } from './support/test-app';

describe('purging expired second-factor challenges and passkey ceremonies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('deletes unanswered login challenges and passwordless ceremonies once expired, and nothing live', async () => {
    const user = await createUser(t);
    await withTotp(t, user);
    await passwordStep(t, user); // a password step nobody answers
    const options = await t.http().post('/auth/passkey/options').send({});
    expect(options.status).toBe(200); // a passwordless ceremony nobody finishes
    const challenges = t.dataSource.getRepository(LoginChallenge);
    const ceremonies = t.dataSource.getRepository(WebAuthnCeremony);
    expect(await challenges.count()).toBe(1);
    expect(await ceremonies.count()).toBe(1);
    const purge = t.app.get(SignInStatePurgeService);

    expect(await purge.purge()).toEqual({ challenges: 0, ceremonies: 0 });
    t.clock.advance(5 * 60_000 + 1_000); // both live 5 minutes
    expect(await purge.purge()).toEqual({ challenges: 1, ceremonies: 1 });
    expect(await challenges.count()).toBe(0);
    expect(await ceremonies.count()).toBe(0);

    // Live ones are kept.
    await passwordStep(t, user);
    await t.http().post('/auth/passkey/options').send({});
    t.clock.advance(4 * 60_000);
    expect(await purge.purge()).toEqual({ challenges: 0, ceremonies: 0 });
    expect(await challenges.count()).toBe(1);
    expect(await ceremonies.count()).toBe(1);
  });
});

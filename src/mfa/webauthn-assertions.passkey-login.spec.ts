import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { NOW } from '../../test/support/auth-fixtures';
import { SoftwareAuthenticator } from '../../test/support/webauthn-authenticator';
import {
  answer,
  ORIGIN,
  webauthnAssertions,
  type Rig,
} from '../../test/support/webauthn-assertions-rig';
import { CeremonyPurpose } from './entities/webauthn-ceremony.entity';
import { hashChallenge } from './webauthn-credentials';

/** A passwordless sign-in as a browser runs it: options, then the authenticator's answer to them. */
async function signIn(rig: Rig, overrides: Parameters<typeof answer>[2] = {}) {
  const options = await rig.service.passkeyOptions(ORIGIN);
  return { options, response: answer(rig.authenticator, options, overrides) };
}

describe('WebAuthnAssertionsService.passkeyOptions', () => {
  it('asks any passkey of this site for user verification, in a ceremony of its own', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    const options = await rig.service.passkeyOptions(ORIGIN);
    expect(options).toMatchObject({
      rpId: 'id.example.com',
      userVerification: 'required',
      timeout: 300_000,
    });
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(rig.ceremonies.open).toHaveBeenCalledWith(
      options.challenge,
      CeremonyPurpose.PasskeyLogin,
      NOW.getTime(),
    );
  });
});

describe('WebAuthnAssertionsService: a passwordless sign-in', () => {
  it("identifies the passkey's owner, spending the ceremony at once, then checks the signature", async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol('u-2');
    const { options, response } = await signIn(rig);
    const identified = await rig.service.identifyPasskey(response);
    expect(identified).toEqual({ ok: true, factor, challenge: options.challenge });
    expect(rig.ceremonies.take).toHaveBeenCalledWith(
      hashChallenge(options.challenge),
      CeremonyPurpose.PasskeyLogin,
      NOW.getTime(),
    );
    expect(rig.separately).toEqual(['begin', 'commit', 'begin', 'commit']);
    expect(rig.factors.findPasskey).toHaveBeenCalledWith(response.id);
    expect(await rig.service.checkPasskey(factor, response, options.challenge, ORIGIN)).toEqual({
      ok: true,
      factor,
      userVerified: true,
    });
    expect(factor.signCount).toBe(1);
  });

  it('refuses the same answer twice (the ceremony was spent)', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    const { response } = await signIn(rig);
    await rig.service.identifyPasskey(response);
    expect(await rig.service.identifyPasskey(response)).toEqual({
      ok: false,
      reason: 'challenge_invalid',
    });
  });

  it('refuses a challenge this server never sent for a sign-in, without looking the passkey up', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    await rig.ceremonies.open('registration-challenge', CeremonyPurpose.Registration, 0);
    for (const challenge of ['made-up', 'registration-challenge']) {
      const response = answer(rig.authenticator, { challenge, rpId: 'id.example.com' });
      expect(await rig.service.identifyPasskey(response)).toEqual({
        ok: false,
        reason: 'challenge_invalid',
      });
    }
    expect(rig.factors.findPasskey).not.toHaveBeenCalled();
  });

  it('refuses an answer whose client data cannot be read, spending nothing', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    const { response } = await signIn(rig);
    const garbled = { ...response, response: { ...response.response, clientDataJSON: 'e30' } };
    expect(await rig.service.identifyPasskey(garbled)).toEqual({
      ok: false,
      reason: 'challenge_invalid',
    });
    expect(rig.ceremonies.take).not.toHaveBeenCalled();
    expect(await rig.service.identifyPasskey(response)).toMatchObject({ ok: true });
  });

  it('refuses a passkey this server does not know', async () => {
    const rig = webauthnAssertions();
    rig.enrol('u-1', {}, new SoftwareAuthenticator(ORIGIN));
    const stranger = new SoftwareAuthenticator(ORIGIN);
    stranger.register({ challenge: 'c', rp: { id: 'id.example.com' }, user: { id: 'dS0x' } });
    const options = await rig.service.passkeyOptions(ORIGIN);
    expect(await rig.service.identifyPasskey(answer(stranger, options))).toEqual({
      ok: false,
      reason: 'unknown_credential',
    });
  });

  it('refuses a user handle that is not the passkey owner, and does without one', async () => {
    const rig = webauthnAssertions();
    rig.enrol('u-1');
    const { response } = await signIn(rig);
    const claimed = (handle: string | undefined): AuthenticationResponseJSON => ({
      ...response,
      response: { ...response.response, userHandle: handle },
    });
    expect(await rig.service.identifyPasskey(claimed('dS0y'))).toEqual({
      ok: false,
      reason: 'unknown_credential',
    });
    const again = await signIn(rig);
    expect(
      await rig.service.identifyPasskey({
        ...again.response,
        response: { ...again.response.response, userHandle: undefined },
      }),
    ).toMatchObject({ ok: true });
  });

  it('refuses a passkey that did not verify the user: it is the only factor', async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol();
    const { options, response } = await signIn(rig, { userVerified: false });
    expect(await rig.service.identifyPasskey(response)).toMatchObject({ ok: true });
    expect(await rig.service.checkPasskey(factor, response, options.challenge, ORIGIN)).toEqual({
      ok: false,
      reason: 'invalid',
      factor,
    });
    expect(factor.signCount).toBe(0);
  });

  it('refuses an answer checked for another origin than the one it was made on', async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol();
    const { options, response } = await signIn(rig);
    expect(
      await rig.service.checkPasskey(factor, response, options.challenge, 'https://evil.example'),
    ).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a copied key whose counter is behind', async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol('u-1', { signCount: 9 });
    const { options, response } = await signIn(rig, { signCount: 3 });
    expect(await rig.service.checkPasskey(factor, response, options.challenge, ORIGIN)).toEqual({
      ok: false,
      reason: 'counter_rewound',
      factor,
      signCount: { stored: 9, presented: 3 },
    });
  });
});

import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { NOW } from '../../test/support/auth-fixtures';
import { passkeyFactor, totpFactor } from '../../test/support/mfa-fixtures';
import { SoftwareAuthenticator } from '../../test/support/webauthn-authenticator';
import {
  answer,
  ORIGIN,
  webauthnAssertions,
  type Rig,
} from '../../test/support/webauthn-assertions-rig';

describe('WebAuthnAssertionsService.secondFactorOptions', () => {
  it("allows the user's passkeys only, user verification preferred, for the origin reached", async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol('u-1', { transports: 'internal,usb' });
    rig.enrol('u-2');
    rig.passkeys.push(totpFactor(), passkeyFactor({ id: 'f-pending', credentialId: null }));
    const options = await rig.service.secondFactorOptions('u-1', ORIGIN);
    expect(options).toMatchObject({
      rpId: 'id.example.com',
      allowCredentials: [
        { id: factor.credentialId, type: 'public-key', transports: ['internal', 'usb'] },
      ],
      userVerification: 'preferred',
      timeout: 300_000,
    });
    expect(options!.challenge).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect((await rig.service.secondFactorOptions('u-1', ORIGIN))!.challenge).not.toBe(
      options!.challenge,
    );
  });

  it('gives no options to a user without a passkey', async () => {
    const rig = webauthnAssertions();
    rig.passkeys.push(totpFactor());
    rig.enrol('u-2');
    expect(await rig.service.secondFactorOptions('u-1', ORIGIN)).toBeNull();
  });
});

describe('WebAuthnAssertionsService.checkSecondFactor', () => {
  async function signedAnswer(rig: Rig, overrides: Parameters<typeof answer>[2] = {}) {
    const options = (await rig.service.secondFactorOptions('u-1', ORIGIN))!;
    return { options, response: answer(rig.authenticator, options, overrides) };
  }
  const check = (rig: Rig, response: AuthenticationResponseJSON, signed: string) =>
    rig.service.checkSecondFactor('u-1', response, signed, ORIGIN);

  it("accepts the user's passkey signing the challenge sent, and moves its counter forward", async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol();
    const { options, response } = await signedAnswer(rig);
    expect(await check(rig, response, options.challenge)).toEqual({
      ok: true,
      factor,
      userVerified: true,
    });
    expect(rig.factors.advanceSignCount).toHaveBeenCalledWith(factor.id, 1, NOW);
    expect(factor.signCount).toBe(1);
  });

  it('accepts a passkey that did not verify the user, and says so', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    const { options, response } = await signedAnswer(rig, { userVerified: false });
    expect(await check(rig, response, options.challenge)).toMatchObject({
      ok: true,
      userVerified: false,
    });
  });

  it('refuses an answer to another challenge than the one the login spent', async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol();
    const { response } = await signedAnswer(rig);
    const other = (await rig.service.secondFactorOptions('u-1', ORIGIN))!;
    expect(await check(rig, response, other.challenge)).toEqual({
      ok: false,
      reason: 'invalid',
      factor,
    });
    expect(rig.factors.advanceSignCount).not.toHaveBeenCalled();
  });

  it('refuses an answer collected by another site, or checked for another origin', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    const phished = await signedAnswer(rig, { origin: 'https://id-example.com' });
    expect(await check(rig, phished.response, phished.options.challenge)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    const genuine = await signedAnswer(rig);
    const elsewhere = await rig.service.checkSecondFactor(
      'u-1',
      genuine.response,
      genuine.options.challenge,
      'https://other.example.com',
    );
    expect(elsewhere).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a forged signature', async () => {
    const rig = webauthnAssertions();
    rig.enrol();
    const { options, response } = await signedAnswer(rig);
    const impostor = new SoftwareAuthenticator(ORIGIN);
    const [genuine] = rig.authenticator.credentials;
    impostor.register({ challenge: 'c', rp: { id: 'id.example.com' }, user: { id: 'dQ' } });
    const forged = answer(impostor, options, {
      credential: { ...genuine, privateKey: impostor.credentials[0].privateKey },
    });
    expect(forged.id).toBe(response.id);
    expect(await check(rig, forged, options.challenge)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  it("refuses another user's passkey, and a user without one", async () => {
    const rig = webauthnAssertions();
    rig.enrol('u-1', {}, new SoftwareAuthenticator(ORIGIN));
    rig.enrol('u-2');
    const options = (await rig.service.secondFactorOptions('u-1', ORIGIN))!;
    const bobs = answer(rig.authenticator, { challenge: options.challenge, rpId: options.rpId });
    expect(await check(rig, bobs, options.challenge)).toEqual({
      ok: false,
      reason: 'unknown_credential',
    });
    expect(await rig.service.checkSecondFactor('u-3', bobs, options.challenge, ORIGIN)).toEqual({
      ok: false,
      reason: 'not_enrolled',
    });
  });

  it('refuses a counter that went backwards or stood still (a copied key), saying both values', async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol('u-1', { signCount: 5 });
    for (const presented of [4, 5]) {
      const { options, response } = await signedAnswer(rig, { signCount: presented });
      expect(await check(rig, response, options.challenge)).toEqual({
        ok: false,
        reason: 'counter_rewound',
        factor,
        signCount: { stored: 5, presented },
      });
    }
    expect(rig.factors.advanceSignCount).not.toHaveBeenCalled();
    const { options, response } = await signedAnswer(rig, { signCount: 6 });
    expect(await check(rig, response, options.challenge)).toMatchObject({ ok: true });
  });

  it('accepts an authenticator that keeps no counter (0 every time)', async () => {
    const rig = webauthnAssertions();
    rig.enrol('u-1', { signCount: null });
    for (let round = 0; round < 2; round++) {
      const { options, response } = await signedAnswer(rig, { signCount: 0 });
      expect(await check(rig, response, options.challenge)).toMatchObject({ ok: true });
    }
  });

  it('lets one of two answers with the same counter win (a replay racing the original)', async () => {
    const rig = webauthnAssertions();
    const { factor } = rig.enrol('u-1', { signCount: 2 });
    const { options, response } = await signedAnswer(rig, { signCount: 3 });
    rig.factors.advanceSignCount.mockResolvedValueOnce(false);
    expect(await check(rig, response, options.challenge)).toEqual({
      ok: false,
      reason: 'counter_rewound',
      factor,
      signCount: { stored: 2, presented: 3 },
    });
  });
});

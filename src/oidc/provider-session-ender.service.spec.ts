import { Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { NOW } from '../../test/support/auth-fixtures';
import { GRANT_BOUND_MODELS } from './typeorm-adapter';
import { link, providerSessionEnder } from '../../test/support/provider-session-ender-rig';

/** How the provider reports a tool's refusal: an error carrying the response. */
const refused = (status: number) =>
  Object.assign(new Error(`expected 200 OK, got: ${status}`), { response: { status } });
/** How fetch reports a tool that is not listening. */
const unreachable = () =>
  Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

describe('ProviderSessionEnder.endFor', () => {
  it('ends the grants of an ended Aegis session: tokens gone, back-channel logout, provider session gone', async () => {
    const rig = providerSessionEnder([link(), link({ grantId: 'grant-2', clientId: 'chat' })]);
    expect(await rig.service.endFor({ sessionIds: ['s-1'] })).toBe(2);
    expect(rig.links.findOpen).toHaveBeenCalledWith({ aegisSessionIds: ['s-1'] });
    expect(rig.links.markEnded).toHaveBeenCalledWith('grant-1', NOW);
    expect(rig.payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-1');
    expect(rig.payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-2');
    // Only the client that registered a back-channel URI hears of it, with the user and its own sid.
    expect(rig.backchannelLogout).toHaveBeenCalledTimes(1);
    expect(rig.backchannelLogout).toHaveBeenCalledWith('u-1', 'sid-wiki');
    expect(rig.payloads.destroySessionByUid).toHaveBeenCalledWith('uid-1');
    expect(rig.unitOfWork.run).toHaveBeenCalledTimes(1);
    expect(rig.audit.record).toHaveBeenCalledWith({
      action: AuditAction.OidcLogout,
      outcome: 'success',
      actorUserId: 'u-1',
      resourceType: 'oidc_session',
      resourceId: 'uid-1',
      details: {
        reason: 'aegis_session_ended',
        clients: 'wiki chat',
        backchannel_notified: 'wiki',
        backchannel_failed: '',
      },
    });
  });

  it('asks for a user’s links or for every link as the scope says', async () => {
    const rig = providerSessionEnder([]);
    await rig.service.endFor({ userId: 'u-1' });
    expect(rig.links.findOpen).toHaveBeenLastCalledWith({ userId: 'u-1' });
    await rig.service.endFor('all');
    expect(rig.links.findOpen).toHaveBeenLastCalledWith('all');
  });

  it('leaves a grant whose Aegis session is still live untouched', async () => {
    const rig = providerSessionEnder();
    rig.liveness.isGrantLive.mockResolvedValue(true);
    expect(await rig.service.endFor('all')).toBe(0);
    expect(rig.links.markEnded).not.toHaveBeenCalled();
    expect(rig.payloads.destroyByGrant).not.toHaveBeenCalled();
    expect(rig.backchannelLogout).not.toHaveBeenCalled();
    expect(rig.audit.record).not.toHaveBeenCalled();
  });

  it('does nothing twice for a grant another instance ended first', async () => {
    const rig = providerSessionEnder();
    rig.links.markEnded.mockResolvedValue(false);
    expect(await rig.service.endFor('all')).toBe(0);
    expect(rig.payloads.destroyByGrant).not.toHaveBeenCalled();
    expect(rig.backchannelLogout).not.toHaveBeenCalled();
    expect(rig.payloads.destroySessionByUid).not.toHaveBeenCalled();
  });

  it('keeps the provider session of a browser that signed in again meanwhile', async () => {
    const rig = providerSessionEnder();
    rig.liveness.liveAegisSessionOf.mockResolvedValue({ sessionId: 's-2', userId: 'u-1' });
    expect(await rig.service.endFor('all')).toBe(1);
    expect(rig.liveness.liveAegisSessionOf).toHaveBeenCalledWith('uid-1');
    expect(rig.backchannelLogout).toHaveBeenCalled();
    expect(rig.payloads.destroySessionByUid).not.toHaveBeenCalled();
    expect(rig.audit.record).toHaveBeenCalled();
  });

  it('still ends the rest when one client’s tool stays unreachable, and says so per client', async () => {
    const rig = providerSessionEnder([link({ clientId: 'tracker' }), link({ grantId: 'grant-2' })]);
    rig.trackerLogout.mockRejectedValue(unreachable());
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(await rig.service.endFor('all')).toBe(2);
    expect(warn).toHaveBeenCalledWith(
      'Back-channel logout to client tracker failed after 3 attempt(s): ECONNREFUSED',
    );
    warn.mockRestore();
    expect(rig.trackerLogout).toHaveBeenCalledTimes(3);
    expect(rig.backchannelLogout).toHaveBeenCalledTimes(1);
    expect(rig.payloads.destroySessionByUid).toHaveBeenCalledWith('uid-1');
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          clients: 'tracker wiki',
          backchannel_notified: 'wiki',
          backchannel_failed: 'tracker: ECONNREFUSED after 3 attempt(s)',
        }),
      }),
    );
  });

  it('retries a tool that was briefly down or answered 5xx, and reports it delivered', async () => {
    const rig = providerSessionEnder([link({ clientId: 'tracker' })]);
    rig.trackerLogout.mockRejectedValueOnce(unreachable()).mockRejectedValueOnce(refused(503));
    expect(await rig.service.endFor('all')).toBe(1);
    expect(rig.trackerLogout).toHaveBeenCalledTimes(3);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          backchannel_notified: 'tracker',
          backchannel_failed: '',
        }),
      }),
    );
  });

  it('does not retry a tool that refused the logout token with a 4xx', async () => {
    const rig = providerSessionEnder([link({ clientId: 'tracker' })]);
    rig.trackerLogout.mockRejectedValue(refused(400));
    jest.spyOn(Logger.prototype, 'warn').mockImplementationOnce(() => undefined);
    await rig.service.endFor('all');
    expect(rig.trackerLogout).toHaveBeenCalledTimes(1);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          backchannel_notified: '',
          backchannel_failed: 'tracker: HTTP 400 after 1 attempt(s)',
        }),
      }),
    );
  });

  it('begin() ends the grants before the deliveries finish, so a slow tool delays no one', async () => {
    const rig = providerSessionEnder([link({ clientId: 'tracker' })]);
    let answer!: () => void;
    rig.trackerLogout.mockReturnValue(
      new Promise<undefined>((resolve) => (answer = () => resolve(undefined))),
    );
    const { ended, notified } = await rig.service.begin('all');
    expect(ended).toBe(1);
    expect(rig.payloads.destroyByGrant).toHaveBeenCalledWith(GRANT_BOUND_MODELS, 'grant-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(rig.audit.record).not.toHaveBeenCalled();
    answer();
    await notified;
    expect(rig.audit.record).toHaveBeenCalled();
  });

  it('at shutdown, a delivery waiting to retry makes its last attempt at once and the audit row is written', async () => {
    const rig = providerSessionEnder([link({ clientId: 'tracker' })]);
    rig.service.retryDelays = [3_600_000];
    rig.trackerLogout.mockRejectedValue(refused(503));
    jest.spyOn(Logger.prototype, 'warn').mockImplementationOnce(() => undefined);
    const ending = rig.service.endFor('all');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await rig.service.beforeApplicationShutdown();
    await ending;
    expect(rig.trackerLogout).toHaveBeenCalledTimes(2);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: expect.objectContaining({
          backchannel_failed: 'tracker: HTTP 503 after 2 attempt(s)',
        }),
      }),
    );
  });

  it('audits one logout per provider session, and none for grants that never had one', async () => {
    const rig = providerSessionEnder([
      link(),
      link({ grantId: 'grant-2', providerSessionUid: 'uid-2', userId: 'u-2' }),
      link({ grantId: 'grant-3', providerSessionUid: null }),
    ]);
    expect(await rig.service.endFor('all')).toBe(3);
    expect(rig.audit.record).toHaveBeenCalledTimes(2);
    expect(rig.audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ resourceId: 'uid-2', actorUserId: 'u-2' }),
    );
    // The provider no longer knows uid-2: there is no session of its to delete, and no sid to send.
    expect(rig.payloads.destroySessionByUid).toHaveBeenCalledTimes(1);
    expect(rig.backchannelLogout).toHaveBeenCalledWith('u-2', undefined);
  });
});

import { AuditService } from '../audit/audit.service';
import { AuthMethod } from '../common/access/authentication-method';
import { Clock } from '../common/clock';
import { RefusalAudit } from '../audit/refusal-audit.service';
import { AuthMetrics } from '../metrics/auth-metrics';
import { SessionError, SessionErrorCode } from '../sessions/session.error';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { newTestService, provide } from '../../test/support/test-service';
import { FrozenClock, META, NOW, codeOf, session, user } from '../../test/support/auth-fixtures';
import { AccessTokenService } from './access-token.service';
import { AuthErrorCode } from './auth.error';
import { DeviceCookies } from './device-cookies';
import { SessionGrantsService } from './session-grants.service';

/** What identifyForRefresh finds: the session, and its account (null when the user row is gone). */
const forRefresh = (account: { isActive: boolean; mustChangePassword: boolean } | null) => ({
  presented: { session: session(), hash: 'h' },
  account: account === null ? null : { ...account, username: 'alice' },
});
const ACTIVE = { isActive: true, mustChangePassword: false };

function setup() {
  const clock = new FrozenClock();
  const { service, double } = newTestService(SessionGrantsService, provide(Clock, clock));
  const users = double(UsersService);
  users.findByIdForUpdate.mockResolvedValue(user());
  users.findById.mockResolvedValue(user());
  const sessions = double(SessionsService);
  sessions.start.mockResolvedValue({ session: session(), refreshToken: 's-1.secret' });
  sessions.identify.mockResolvedValue({ session: session(), hash: 'h' });
  sessions.identifyForRefresh.mockResolvedValue(forRefresh(ACTIVE));
  sessions.revoke.mockResolvedValue(true);
  const accessTokens = double(AccessTokenService);
  accessTokens.issue.mockReturnValue({ token: 'jwt', expiresIn: 300 });
  const audit = double(AuditService);
  const metrics = double(AuthMetrics);
  const devices = double(DeviceCookies);
  devices.issue.mockReturnValue('device-token');
  const refusals = double(RefusalAudit);
  return { users, sessions, accessTokens, audit, clock, metrics, devices, refusals, service };
}

describe('SessionGrantsService.login', () => {
  it('opens a session, audits it in the unit of work and hands out both tokens', async () => {
    const { service, sessions, audit, metrics, users } = setup();
    const grant = await service.login({ user: user() }, META, [AuthMethod.Password]);
    expect(users.findByIdForUpdate).toHaveBeenCalledWith('u-1');
    expect(sessions.start).toHaveBeenCalledWith('u-1', META, ['pwd']);
    expect(users.upgradePasswordHash).not.toHaveBeenCalled();
    expect(grant).toEqual({
      sessionId: 's-1',
      accessToken: 'jwt',
      expiresIn: 300,
      refreshToken: 's-1.secret',
      refreshExpiresIn: 3600,
      deviceToken: 'device-token',
    });
    expect(audit.record).toHaveBeenCalledWith({
      action: 'LOGIN_SUCCESS',
      outcome: 'success',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      targetUsername: 'alice',
      resourceType: 'auth',
      resourceId: 'u-1',
      details: { username: 'alice', session_id: 's-1', amr: 'pwd' },
      meta: META,
    });
    expect(metrics.loginAttempted).toHaveBeenCalledWith('success');
  });

  it('stores the stronger hash of a rehashed login and says so in the audit row', async () => {
    const { service, users, audit } = setup();
    await service.login({ user: user(), upgradedHash: 'stronger' }, META, [AuthMethod.Password]);
    expect(users.upgradePasswordHash).toHaveBeenCalledWith(user(), 'stronger');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        details: { username: 'alice', session_id: 's-1', amr: 'pwd', rehashed: true },
      }),
    );
  });

  it.each([
    ['was deleted', null],
    ['had its password changed or reset', user({ passwordHash: 'another-hash' })],
    ['was disabled', user({ isActive: false })],
  ])('opens no session when the account %s after the password check', async (_label, current) => {
    const { service, users, sessions, audit, metrics } = setup();
    users.findByIdForUpdate.mockResolvedValue(current);
    expect(await codeOf(service.login({ user: user() }, META, [AuthMethod.Password]))).toBe(
      AuthErrorCode.InvalidCredentials,
    );
    expect(sessions.start).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
    expect(metrics.loginAttempted).not.toHaveBeenCalled();
  });

  it('never gives the refresh cookie a negative lifetime', async () => {
    const { service, sessions } = setup();
    sessions.start.mockResolvedValue({
      session: session({ absoluteExpiresAt: new Date(NOW.getTime() - 5_000) }),
      refreshToken: 't',
    });
    expect(
      (await service.login({ user: user() }, META, [AuthMethod.Password])).refreshExpiresIn,
    ).toBe(0);
  });
});

describe('SessionGrantsService.refresh', () => {
  it.each([undefined, ''])(
    'refuses a missing refresh token (%p) without a lookup',
    async (token) => {
      const { service, sessions } = setup();
      expect(await codeOf(service.refresh(token, META))).toBe(AuthErrorCode.Unauthenticated);
      expect(sessions.identifyForRefresh).not.toHaveBeenCalled();
    },
  );

  it('rotates: a new refresh token, audited as rotated, counted', async () => {
    const { service, sessions, audit, metrics } = setup();
    sessions.refresh.mockResolvedValue({
      kind: 'rotated',
      session: session(),
      refreshToken: 'next',
    });
    const grant = await service.refresh('s-1.secret', META);
    expect(sessions.identifyForRefresh).toHaveBeenCalledWith('s-1.secret');
    expect(grant.refreshToken).toBe('next');
    expect(grant.accessToken).toBe('jwt');
    expect(audit.record).toHaveBeenCalledWith({
      action: 'TOKEN_REFRESHED',
      outcome: 'success',
      actorUserId: 'u-1',
      actorUsername: 'alice',
      resourceType: 'session',
      resourceId: 's-1',
      details: { rotated: true },
      meta: META,
    });
    expect(metrics.tokenRefreshed).toHaveBeenCalledWith('rotated');
  });

  it('inside the grace window: an access token only, the client keeps its successor refresh token', async () => {
    const { service, sessions, audit, metrics } = setup();
    sessions.refresh.mockResolvedValue({ kind: 'grace', session: session() });
    const grant = await service.refresh('s-1.old', META);
    expect(grant.refreshToken).toBeUndefined();
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ details: { rotated: false } }),
    );
    expect(metrics.tokenRefreshed).toHaveBeenCalledWith('grace');
  });

  it.each([
    ['deleted', null],
    ['disabled', { isActive: false, mustChangePassword: false }],
  ])('ends the session, in its own transaction, when its user was %s', async (_label, found) => {
    const { service, sessions } = setup();
    sessions.identifyForRefresh.mockResolvedValue(forRefresh(found));
    expect(await codeOf(service.refresh('s-1.secret', META))).toBe(AuthErrorCode.SessionEnded);
    expect(sessions.revokeIndependently).toHaveBeenCalledWith('s-1', 'user_disabled');
    expect(sessions.refresh).not.toHaveBeenCalled();
  });

  it('refuses while a password change is pending, rotating nothing', async () => {
    const { service, sessions } = setup();
    sessions.identifyForRefresh.mockResolvedValue(
      forRefresh({ isActive: true, mustChangePassword: true }),
    );
    expect(await codeOf(service.refresh('s-1.secret', META))).toBe(
      AuthErrorCode.PasswordChangeRequired,
    );
    expect(sessions.refresh).not.toHaveBeenCalled();
    expect(sessions.revokeIndependently).not.toHaveBeenCalled();
  });

  it('passes a detected reuse on unchanged, with no second audit row (sessions writes its own)', async () => {
    const { service, sessions, audit, refusals } = setup();
    sessions.refresh.mockRejectedValue(new SessionError(SessionErrorCode.RefreshTokenReused));
    expect(await codeOf(service.refresh('s-1.secret', META))).toBe('REFRESH_TOKEN_REUSED');
    expect(audit.record).not.toHaveBeenCalled();
    expect(refusals.record).not.toHaveBeenCalled();
  });

  it.each([
    ['an unknown or forged token', new SessionError(SessionErrorCode.InvalidRefreshToken)],
    ['a revoked session', new SessionError(SessionErrorCode.SessionRevoked)],
  ])('audits the refusal of %s under the flood rule', async (_label, error) => {
    const { service, sessions, refusals } = setup();
    sessions.identifyForRefresh.mockRejectedValue(error);
    expect(await codeOf(service.refresh('s-1.secret', META))).toBe(error.code);
    expect(refusals.record).toHaveBeenCalledWith({
      action: 'REFRESH_REFUSED',
      reason: error.code.toLowerCase(),
      resourceType: 'session',
      meta: META,
    });
  });

  it('does not audit an outage as a refusal', async () => {
    const { service, sessions, refusals } = setup();
    sessions.identifyForRefresh.mockRejectedValue(new Error('Connection terminated'));
    await expect(service.refresh('s-1.secret', META)).rejects.toThrow('Connection terminated');
    expect(refusals.record).not.toHaveBeenCalled();
  });

  it("checks the session's liveness before the password-change gate (a revoked token learns nothing of a reset)", async () => {
    const { service, sessions } = setup();
    sessions.assertNotEnded.mockImplementation(() => {
      throw new SessionError(SessionErrorCode.SessionRevoked);
    });
    sessions.identifyForRefresh.mockResolvedValue(
      forRefresh({ isActive: true, mustChangePassword: true }),
    );
    expect(await codeOf(service.refresh('s-1.secret', META))).toBe('SESSION_REVOKED');
    expect(sessions.refresh).not.toHaveBeenCalled();
  });
});

describe('SessionGrantsService.logout', () => {
  const claims = (sid: string) => ({
    iss: 'i',
    aud: 'a',
    sub: 'u-1',
    sid,
    jti: 'j',
    iat: 1,
    nbf: 1,
    exp: 2,
  });

  it('revokes each distinct session shown once, ignoring unreadable credentials', async () => {
    const { service, accessTokens, sessions, audit } = setup();
    accessTokens.readIgnoringExpiry.mockImplementation((token: string) =>
      token === 'good' ? claims('s-1') : null,
    );
    sessions.findLive.mockResolvedValue(session());
    sessions.identify.mockRejectedValue(new SessionError(SessionErrorCode.InvalidRefreshToken));
    await service.logout(
      { accessTokens: ['good', 'good', 'garbage'], refreshTokens: ['forged'] },
      META,
    );
    expect(sessions.revoke).toHaveBeenCalledTimes(1);
    expect(sessions.revoke).toHaveBeenCalledWith('s-1', 'logout');
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'LOGOUT', actorUserId: 'u-1', resourceId: 's-1' }),
    );
  });

  it('ends the session behind a refresh token, and the one behind an access token of another session', async () => {
    const { service, accessTokens, sessions } = setup();
    accessTokens.readIgnoringExpiry.mockReturnValue(claims('s-2'));
    sessions.identify.mockResolvedValue({ session: session(), hash: 'h' });
    sessions.findLive.mockImplementation(async (id: string) => session({ id }));
    await service.logout({ accessTokens: ['a'], refreshTokens: ['s-1.secret'] }, META);
    expect(sessions.revoke.mock.calls.map(([id]) => id).sort()).toEqual(['s-1', 's-2']);
  });

  it('audits nothing for a session already ended, or revoked by a concurrent request', async () => {
    const { service, accessTokens, sessions, audit } = setup();
    accessTokens.readIgnoringExpiry.mockImplementation((token: string) => claims(token));
    sessions.findLive.mockImplementation(async (id: string) =>
      id === 'ended' ? null : session({ id }),
    );
    sessions.revoke.mockResolvedValue(false);
    await service.logout({ accessTokens: ['ended', 'raced'], refreshTokens: [] }, META);
    expect(sessions.revoke).toHaveBeenCalledTimes(1);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('lets an outage while reading a refresh token through (logout does not pretend to succeed)', async () => {
    const { service, sessions } = setup();
    sessions.identify.mockRejectedValue(new Error('Connection terminated'));
    await expect(
      service.logout({ accessTokens: [], refreshTokens: ['s-1.secret'] }, META),
    ).rejects.toThrow('Connection terminated');
  });
});

import { createHash } from 'node:crypto';
import { Clock } from '../../../common/clock';
import { UnitOfWork } from '../../../database/unit-of-work';
import { SecondFactorsReset } from '../../../mfa/events/second-factors-reset.event';
import { NOW, codeOf } from '../../../../test/support/auth-fixtures';
import { FakeClock } from '../../../../test/support/fake-clock';
import { newTestService, provide } from '../../../../test/support/test-service';
import type { LoginChallenge } from './login-challenge.entity';
import { LoginChallengesRepository } from './login-challenges.repository';
import {
  LOGIN_CHALLENGE_MAX_ATTEMPTS,
  LOGIN_CHALLENGE_TTL_MS,
  LoginChallengesService,
  type ChallengeBinding,
} from './login-challenges.service';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const BINDING: ChallengeBinding = {
  userId: 'u-1',
  accountKey: 'u:u-1',
  passwordChangedAt: NOW,
  client: 'api',
};

/**
 * The repository's double keeps its rows in memory and answers as its conditional statements do (a challenge is
 * live while unexpired, unused and under the attempt limit the service passes), so a spec walks a real login's
 * challenge; `transaction` says which of the unit of work's transactions a write ran in.
 */
function setup() {
  const clock = new FakeClock();
  const { service, double } = newTestService(LoginChallengesService, provide(Clock, clock));
  const rows = new Map<string, LoginChallenge>();
  const writes: { what: string; transaction: string }[] = [];
  let transaction = 'request';
  const inside = (name: string) => async (work: () => Promise<unknown>) => {
    const outer = transaction;
    transaction = name;
    try {
      return await work();
    } finally {
      transaction = outer;
    }
  };
  const unitOfWork = double(UnitOfWork);
  unitOfWork.runIndependently.mockImplementation(inside('independent') as never);
  unitOfWork.runSeparately.mockImplementation(inside('separate'));

  const repository = double(LoginChallengesRepository);
  const byHash = (hash: string) => [...rows.values()].find((row) => row.tokenHash === hash);
  const live = (row: LoginChallenge | undefined, nowMs: number, max: number) =>
    row && row.consumedAtMs === null && row.expiresAtMs > nowMs && row.attempts < max
      ? row
      : undefined;
  repository.insert.mockImplementation(async (row) => {
    writes.push({ what: 'insert', transaction });
    rows.set(row.id, { ...row });
  });
  repository.deleteExpiredBefore.mockImplementation(async (nowMs) => {
    writes.push({ what: 'deleteExpired', transaction });
    const expired = [...rows.values()].filter((row) => row.expiresAtMs < nowMs);
    expired.forEach((row) => rows.delete(row.id));
    return expired.length;
  });
  repository.takeAttempt.mockImplementation(async (hash, nowMs, max) => {
    writes.push({ what: 'takeAttempt', transaction });
    const row = live(byHash(hash), nowMs, max);
    if (!row) return null;
    row.attempts += 1;
    return { ...row };
  });
  repository.findLive.mockImplementation(async (hash, nowMs, max) => {
    const row = live(byHash(hash), nowMs, max);
    return row ? { ...row } : null;
  });
  repository.setWebAuthnChallenge.mockImplementation(async (id, hash) => {
    rows.get(id)!.webauthnChallenge = hash;
  });
  repository.spendWebAuthnChallenge.mockImplementation(async (id, hash) => {
    writes.push({ what: 'spendWebAuthn', transaction });
    const row = rows.get(id);
    if (!row || row.webauthnChallenge !== hash) return false;
    row.webauthnChallenge = null;
    return true;
  });
  repository.consume.mockImplementation(async (id, nowMs) => {
    writes.push({ what: 'consume', transaction });
    const row = rows.get(id);
    if (!row || row.consumedAtMs !== null) return false;
    row.consumedAtMs = nowMs;
    return true;
  });
  repository.deleteAllOfUser.mockImplementation(async (userId) => {
    [...rows.values()].filter((row) => row.userId === userId).forEach((row) => rows.delete(row.id));
  });
  return { service, clock, rows, writes, repository };
}

describe('LoginChallengesService.issue', () => {
  it('stores only the hash of a 256-bit token, bound to the password step, and outlives the request', async () => {
    const { service, clock, rows, writes } = setup();
    const issued = await service.issue(BINDING);
    expect(issued.expiresInSeconds).toBe(300);
    expect(Buffer.from(issued.token, 'base64url')).toHaveLength(32);
    const [stored] = [...rows.values()];
    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tokenHash: sha256(issued.token),
      userId: 'u-1',
      accountKey: 'u:u-1',
      passwordChangedAtMs: NOW.getTime(),
      client: 'api',
      attempts: 0,
      webauthnChallenge: null,
      createdAtMs: clock.now().getTime(),
      expiresAtMs: clock.now().getTime() + 5 * 60_000,
      consumedAtMs: null,
    });
    expect(JSON.stringify(stored)).not.toContain(issued.token);
    expect(writes).toEqual([
      { what: 'deleteExpired', transaction: 'independent' },
      { what: 'insert', transaction: 'independent' },
    ]);
  });

  it('gives every login a token of its own', async () => {
    const { service } = setup();
    const first = await service.issue(BINDING);
    const second = await service.issue(BINDING);
    expect(first.token).not.toBe(second.token);
    expect((await service.takeAttempt(second.token)).attempts).toBe(1);
    expect((await service.takeAttempt(first.token)).attempts).toBe(1);
  });

  it('clears expired challenges, and keeps live ones, when a new one is issued', async () => {
    const { service, clock, rows } = setup();
    const old = await service.issue(BINDING);
    clock.advance(LOGIN_CHALLENGE_TTL_MS - 1);
    const recent = await service.issue({ ...BINDING, userId: 'u-2' });
    clock.advance(2);
    await service.issue({ ...BINDING, userId: 'u-3' });
    expect([...rows.values()].map((row) => row.userId).sort()).toEqual(['u-2', 'u-3']);
    expect(await codeOf(service.takeAttempt(old.token))).toBe('MFA_CHALLENGE_EXPIRED');
    expect((await service.takeAttempt(recent.token)).userId).toBe('u-2');
  });

  it('runs what the caller adds in the same independent transaction', async () => {
    const { service, writes } = setup();
    const alongside = jest.fn(async () => {
      writes.push({ what: 'alongside', transaction: 'seen' });
    });
    await service.issue(BINDING, alongside);
    expect(alongside).toHaveBeenCalledTimes(1);
    expect(writes.map((write) => write.what)).toEqual(['deleteExpired', 'insert', 'alongside']);
  });
});

describe('LoginChallengesService.takeAttempt', () => {
  it('counts each answer, committed at once, and returns the challenge with its binding', async () => {
    const { service, writes } = setup();
    const { token } = await service.issue(BINDING);
    const challenge = await service.takeAttempt(token);
    expect(challenge).toMatchObject({ userId: 'u-1', accountKey: 'u:u-1', attempts: 1 });
    expect(writes.at(-1)).toEqual({ what: 'takeAttempt', transaction: 'separate' });
  });

  it(`allows ${LOGIN_CHALLENGE_MAX_ATTEMPTS} answers, then the challenge is dead`, async () => {
    const { service } = setup();
    const { token } = await service.issue(BINDING);
    for (let attempt = 1; attempt <= 5; attempt++)
      expect((await service.takeAttempt(token)).attempts).toBe(attempt);
    expect(await codeOf(service.takeAttempt(token))).toBe('MFA_CHALLENGE_EXPIRED');
    expect(await codeOf(service.findLive(token))).toBe('MFA_CHALLENGE_EXPIRED');
  });

  it('refuses a challenge five minutes old', async () => {
    const { service, clock } = setup();
    const { token } = await service.issue(BINDING);
    clock.advance(LOGIN_CHALLENGE_TTL_MS - 1);
    await expect(service.takeAttempt(token)).resolves.toMatchObject({ userId: 'u-1' });
    clock.advance(1);
    expect(await codeOf(service.takeAttempt(token))).toBe('MFA_CHALLENGE_EXPIRED');
  });

  it('refuses a token it never issued, a missing one and a used one', async () => {
    const { service, repository } = setup();
    const { token } = await service.issue(BINDING);
    expect(await codeOf(service.takeAttempt(`${token}x`))).toBe('MFA_CHALLENGE_EXPIRED');
    expect(await codeOf(service.takeAttempt(sha256(token)))).toBe('MFA_CHALLENGE_EXPIRED');
    repository.takeAttempt.mockClear();
    expect(await codeOf(service.takeAttempt(undefined))).toBe('MFA_CHALLENGE_EXPIRED');
    expect(await codeOf(service.takeAttempt(''))).toBe('MFA_CHALLENGE_EXPIRED');
    expect(repository.takeAttempt).not.toHaveBeenCalled();
    await service.consume(await service.takeAttempt(token));
    expect(await codeOf(service.takeAttempt(token))).toBe('MFA_CHALLENGE_EXPIRED');
  });
});

describe('LoginChallengesService.findLive', () => {
  it('reads a live challenge without spending an attempt', async () => {
    const { service } = setup();
    const { token } = await service.issue(BINDING);
    expect(await service.findLive(token)).toMatchObject({ userId: 'u-1', attempts: 0 });
    expect((await service.takeAttempt(token)).attempts).toBe(1);
  });

  it('refuses a missing, unknown, expired or used challenge', async () => {
    const { service, clock } = setup();
    const { token } = await service.issue(BINDING);
    expect(await codeOf(service.findLive(undefined))).toBe('MFA_CHALLENGE_EXPIRED');
    expect(await codeOf(service.findLive('not-issued'))).toBe('MFA_CHALLENGE_EXPIRED');
    await service.consume(await service.findLive(token));
    expect(await codeOf(service.findLive(token))).toBe('MFA_CHALLENGE_EXPIRED');
    const other = await service.issue(BINDING);
    clock.advance(LOGIN_CHALLENGE_TTL_MS);
    expect(await codeOf(service.findLive(other.token))).toBe('MFA_CHALLENGE_EXPIRED');
  });
});

describe('LoginChallengesService: the WebAuthn challenge of a login', () => {
  it('accepts the answer to the challenge sent, once, committed at once', async () => {
    const { service, writes } = setup();
    const challenge = await service.findLive((await service.issue(BINDING)).token);
    await service.setWebAuthnChallenge(challenge, 'hash-1');
    expect(await service.spendWebAuthnChallenge(challenge, 'hash-1')).toBe(true);
    expect(writes.at(-1)).toEqual({ what: 'spendWebAuthn', transaction: 'separate' });
    expect(await service.spendWebAuthnChallenge(challenge, 'hash-1')).toBe(false);
  });

  it('voids the earlier WebAuthn challenge when new options are sent', async () => {
    const { service } = setup();
    const challenge = await service.findLive((await service.issue(BINDING)).token);
    await service.setWebAuthnChallenge(challenge, 'hash-1');
    await service.setWebAuthnChallenge(challenge, 'hash-2');
    expect(await service.spendWebAuthnChallenge(challenge, 'hash-1')).toBe(false);
    expect(await service.spendWebAuthnChallenge(challenge, 'hash-2')).toBe(true);
  });

  it("refuses an answer signed for another login's WebAuthn challenge", async () => {
    const { service } = setup();
    const mine = await service.findLive((await service.issue(BINDING)).token);
    const theirs = await service.findLive((await service.issue(BINDING)).token);
    await service.setWebAuthnChallenge(theirs, 'hash-theirs');
    expect(await service.spendWebAuthnChallenge(mine, 'hash-theirs')).toBe(false);
  });
});

describe('LoginChallengesService.consume', () => {
  it('completes a challenge once, in the request transaction; a racing second completion is refused', async () => {
    const { service, clock, rows, writes } = setup();
    const { token } = await service.issue(BINDING);
    const challenge = await service.takeAttempt(token);
    const racing = await service.takeAttempt(token);
    await service.consume(challenge);
    expect(writes.at(-1)).toEqual({ what: 'consume', transaction: 'request' });
    expect(rows.get(challenge.id)!.consumedAtMs).toBe(clock.now().getTime());
    expect(await codeOf(service.consume(racing))).toBe('MFA_CHALLENGE_EXPIRED');
  });
});

describe('LoginChallengesService.onSecondFactorsReset', () => {
  it("ends every open challenge of the user whose factors were reset, and no one else's", async () => {
    const { service } = setup();
    const first = await service.issue(BINDING);
    const second = await service.issue(BINDING);
    const other = await service.issue({ ...BINDING, userId: 'u-2', accountKey: 'u:u-2' });
    await service.onSecondFactorsReset(new SecondFactorsReset('u-1'));
    expect(await codeOf(service.takeAttempt(first.token))).toBe('MFA_CHALLENGE_EXPIRED');
    expect(await codeOf(service.findLive(second.token))).toBe('MFA_CHALLENGE_EXPIRED');
    expect((await service.takeAttempt(other.token)).userId).toBe('u-2');
  });
});

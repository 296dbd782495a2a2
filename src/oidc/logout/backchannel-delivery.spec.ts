import { deliverWithRetries, describeFailure } from './backchannel-delivery';
import { UnregisteredUriError } from './registered-uri-fetch';

const refused = (status: number) =>
  Object.assign(new Error(`expected 200 OK, got: ${status}`), { response: { status } });
const unreachable = (code = 'ECONNREFUSED') =>
  Object.assign(new TypeError('fetch failed'), { cause: { code } });
const timedOut = () =>
  Object.assign(new Error('The operation was aborted'), { name: 'TimeoutError' });

describe('deliverWithRetries', () => {
  it('delivers at the first attempt when the tool accepts', async () => {
    const send = jest.fn().mockResolvedValue(undefined);
    expect(await deliverWithRetries(send, [0, 0])).toEqual({ delivered: true, attempts: 1 });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('retries unreachable, slow, 5xx and 429 answers, one attempt per delay and no more', async () => {
    const send = jest
      .fn()
      .mockRejectedValueOnce(unreachable())
      .mockRejectedValueOnce(timedOut())
      .mockRejectedValueOnce(refused(502))
      .mockRejectedValueOnce(refused(429))
      .mockResolvedValue(undefined);
    expect(await deliverWithRetries(send, [0, 0, 0, 0])).toEqual({ delivered: true, attempts: 5 });
    const always = jest.fn().mockRejectedValue(refused(503));
    expect(await deliverWithRetries(always, [0, 0])).toEqual({
      delivered: false,
      attempts: 3,
      error: 'HTTP 503',
    });
    expect(always).toHaveBeenCalledTimes(3);
  });

  it('waits the given delays between attempts', async () => {
    const at: number[] = [];
    const send = jest.fn(() => {
      at.push(Date.now());
      return at.length < 3 ? Promise.reject(unreachable()) : Promise.resolve();
    });
    await deliverWithRetries(send, [50, 100]);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(45);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(95);
  });

  it('does not retry a 4xx refusal or an unregistered URI', async () => {
    const badRequest = jest.fn().mockRejectedValue(refused(400));
    expect(await deliverWithRetries(badRequest, [0, 0])).toEqual({
      delivered: false,
      attempts: 1,
      error: 'HTTP 400',
    });
    const unregistered = jest.fn().mockRejectedValue(new UnregisteredUriError('http://x/'));
    expect(await deliverWithRetries(unregistered, [0])).toEqual({
      delivered: false,
      attempts: 1,
      error: 'URI not registered',
    });
  });

  it('stops waiting once told to stop, after one last attempt', async () => {
    const stop = new AbortController();
    const send = jest.fn().mockRejectedValue(unreachable('EHOSTUNREACH'));
    const started = Date.now();
    const delivery = deliverWithRetries(send, [60_000, 60_000], stop.signal);
    setTimeout(() => stop.abort(), 20);
    expect(await delivery).toEqual({ delivered: false, attempts: 2, error: 'EHOSTUNREACH' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('describeFailure', () => {
  it('names a status, a timeout, a network error code, or the message', () => {
    expect(describeFailure(refused(500))).toBe('HTTP 500');
    expect(describeFailure(timedOut())).toBe('timeout');
    expect(describeFailure(unreachable('ENOTFOUND'))).toBe('ENOTFOUND');
    expect(describeFailure(new Error('socket hang up'))).toBe('socket hang up');
  });
});

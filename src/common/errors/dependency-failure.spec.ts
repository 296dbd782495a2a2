import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { isDependencyUnavailable } from './dependency-failure';
import { toProblem } from './problem-details';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['pg: the server went away', new Error('Connection terminated unexpectedly')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    ['pg: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg: client-side query timeout', new Error('Query read timeout')],
    [
      'PostgreSQL statement_timeout',
      withCode('canceling statement due to statement timeout', '57014'),
    ],
    [
      'PostgreSQL shutting down',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['PostgreSQL connection failure', withCode('connection failure', '08006')],
    ['PostgreSQL too many connections', withCode('sorry, too many clients already', '53300')],
    ['SQLite busy past its timeout', withCode('database is locked', 'SQLITE_BUSY')],
    ['ioredis command timeout', new Error('Command timed out')],
    ['ioredis closed connection', new Error('Connection is closed.')],
    [
      'ioredis retries exhausted',
      Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    [
      'a driver error wrapped by TypeORM',
      new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
    ],
    [
      'every address of a host refused',
      new AggregateError([withCode('connect ECONNREFUSED ::1:6379', 'ECONNREFUSED')], ''),
    ],
  ])('recognises %s', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a SQL syntax error', new QueryFailedError('SELEC 1', [], withCode('syntax error', '42601'))],
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['an error whose text merely mentions a timeout', new Error('timeout while hashing')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('does not mistake %s for an outage', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});

describe('toProblem for an outage', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After and none of the driver text', () => {
    const { body, headers } = toProblem(
      withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'),
      'req-1',
    );
    expect(body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', request_id: 'req-1' });
    expect(Number(headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|5432/);
  });

  it('still answers a bug with a bare 500', () => {
    expect(toProblem(new TypeError('x is undefined'), 'req-2').body.status).toBe(500);
  });
});

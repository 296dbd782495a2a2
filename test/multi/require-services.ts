/**
 * `npm run test:multi` is the PostgreSQL + Redis suite (several instances, outages through TCP proxies).
 * Without both it must fail, never pass by testing nothing.
 */
const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(
    `npm run test:multi needs PostgreSQL and Redis: set ${missing.join(' and ')} ` +
      '(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_REDIS_URL=redis://127.0.0.1:6379)',
  );
}

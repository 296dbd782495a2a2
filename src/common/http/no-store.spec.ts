import Fastify, { type FastifyInstance } from 'fastify';
import { applyNoStore } from './no-store';

describe('applyNoStore', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    applyNoStore(fastify, ['/docs', '/demo/']);
    fastify.get('/auth/me', () => ({ ok: true }));
    fastify.get('/docs/swagger-ui.css', () => 'body {}');
    fastify.get('/demo/index.html', () => '<p>demo</p>');
    fastify.get('/demonstrably-api', () => ({ ok: true }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());

  const cacheControl = async (url: string) =>
    (await fastify.inject({ method: 'GET', url })).headers['cache-control'];

  it('marks API responses no-store, decided on the matched route, errors included', async () => {
    expect(await cacheControl('/auth/me')).toBe('no-store');
    expect(await cacheControl('/%61uth/me')).toBe('no-store');
    expect(await cacheControl('/demonstrably-api')).toBe('no-store');
    expect(await cacheControl('/nowhere')).toBe('no-store');
  });

  it('leaves static pages and their assets cacheable', async () => {
    expect(await cacheControl('/docs/swagger-ui.css')).toBeUndefined();
    expect(await cacheControl('/demo/index.html')).toBeUndefined();
  });
});

import type { FastifyRequest } from 'fastify';

/**
 * The template of the route that served a request (`/auth/login`, later `/users/:id`), or undefined when no
 * route matched (404). Logs and metrics use it instead of the raw path: bounded label values, no ids.
 */
export function routeTemplateOf(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : request.routeOptions.url;
}

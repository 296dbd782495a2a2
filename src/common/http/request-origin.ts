import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The origin (scheme, host, port) the request says it was sent to: its own scheme (through TRUSTED_PROXIES)
 * and Host header. Only a stand-in for PUBLIC_URL outside production, where PUBLIC_URL may be unset.
 */
export function requestOriginOf(request: FastifyRequest): string | undefined {
  const host = request.headers.host;
  if (host === undefined) return undefined;
  try {
    return new URL(`${request.protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** The request's own origin, see {@link requestOriginOf}. */
export const RequestOrigin = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestOriginOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is on the other end of a request, as recorded in audit rows and sessions. */
export interface RequestMeta {
  /** The client IP: Fastify resolves X-Forwarded-For only through TRUSTED_PROXIES. */
  ip: string;
  userAgent: string | null;
  requestId: string;
}

const MAX_USER_AGENT = 512;

export function requestMetaOf(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT) : null,
    requestId: request.id,
  };
}

/** Injects the {@link RequestMeta} of the current request into a handler. */
export const ClientMeta = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestMetaOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

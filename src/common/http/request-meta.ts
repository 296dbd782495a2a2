import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { canonicalAddress } from './client-address';

/** Who is on the other end of a request, as recorded in audit rows and sessions. */
export interface RequestMeta {
  /** The client IP: Fastify resolves X-Forwarded-For only through TRUSTED_PROXIES. */
  ip: string;
  userAgent: string | null;
  requestId: string;
}

const MAX_USER_AGENT = 512;

/**
 * The client's address in one canonical form. Fastify takes it from X-Forwarded-For when the hop is a trusted
 * proxy, and such a header can carry any text: what is not an IP address is never used (the socket's address
 * stands instead), so no attacker-chosen string becomes a rate-limit key or an audit `ip`.
 */
export function clientAddressOf(request: FastifyRequest): string {
  return (
    canonicalAddress(request.ip) ?? canonicalAddress(request.socket?.remoteAddress) ?? 'unknown'
  );
}

export function requestMetaOf(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return {
    ip: clientAddressOf(request),
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT) : null,
    requestId: request.id,
  };
}

/** Injects the {@link RequestMeta} of the current request into a handler. */
export const ClientMeta = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestMetaOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

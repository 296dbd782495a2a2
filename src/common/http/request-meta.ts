import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { canonicalAddress } from './client-address';
import { clientRequestIdOf } from './request-id';

/** Who is on the other end of a request, as recorded in audit rows and sessions. */
export interface RequestMeta {
  /** The client IP: Fastify resolves X-Forwarded-For only through TRUSTED_PROXIES. */
  ip: string;
  userAgent: string | null;
  /** The server's own id of the request (never the client's). */
  requestId: string;
  /** The client's `X-Request-Id`, sanitised, when it sent one. */
  clientRequestId?: string | null;
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

/**
 * Stored as given otherwise: a NUL would make PostgreSQL refuse the row (a 500 on a login), a lone surrogate
 * is replaced by each database differently from what was hashed into the audit chain.
 */
const storable = (text: string) => text.toWellFormed().replaceAll('\0', '\uFFFD');

export function requestMetaOf(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return {
    ip: clientAddressOf(request),
    userAgent: typeof userAgent === 'string' ? storable(userAgent.slice(0, MAX_USER_AGENT)) : null,
    requestId: request.id,
    clientRequestId: clientRequestIdOf(request.headers['x-request-id']),
  };
}

/** Injects the {@link RequestMeta} of the current request into a handler. */
export const ClientMeta = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestMetaOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

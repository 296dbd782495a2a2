import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import { frameworkProblem, internalErrorProblem } from '../errors/problem-details';
import { rememberProblemCode } from '../errors/problem-code';
import { requestIdFor } from './request-id';
import { apiSecurityHeaders } from './security-headers';

/** Fastify's router errors, answered before any route (and so any hook or Nest filter) is involved. */
const STATUS_BY_FASTIFY_CODE: Record<string, number> = {
  FST_ERR_BAD_URL: 400,
  FST_ERR_MAX_PARAM_LENGTH: 414,
};

/** Node's HTTP parser errors (clientError): an oversized header block, a request that took too long. */
function clientErrorStatus(error: NodeJS.ErrnoException): number {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

function commonHeaders(production: boolean, requestId: string): Record<string, string> {
  return {
    ...apiSecurityHeaders(production),
    'x-request-id': requestId,
    'cache-control': 'no-store',
    'content-type': 'application/problem+json; charset=utf-8',
  };
}

type AnswerListener = (request: FastifyRequest, reply: FastifyReply) => void;
const answerListeners = new Set<AnswerListener>();

/**
 * Called once a framework error has been answered. Fastify runs no route hooks for these requests (no route
 * matched yet), so the request log subscribes here to still write their line.
 */
export function onFrameworkErrorAnswered(listener: AnswerListener): () => void {
  answerListeners.add(listener);
  return () => answerListeners.delete(listener);
}

/**
 * `frameworkErrors` for the Fastify adapter: a malformed percent-encoding (400) or an over-long path parameter
 * (414) gets the same problem+json, security headers, request id and no-store as every other answer, and never
 * echoes the path.
 */
export function frameworkErrorHandler(
  production: boolean,
): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = STATUS_BY_FASTIFY_CODE[error.code] ?? 500;
    const body = frameworkProblem(status, request.id) ?? internalErrorProblem(request.id);
    rememberProblemCode(request, body.code);
    reply.raw.once('finish', () => answerListeners.forEach((listener) => listener(request, reply)));
    void reply.status(body.status).headers(commonHeaders(production, request.id)).send(body);
  };
}

/**
 * `clientErrorHandler`: what Node's parser refuses before Fastify sees a request (431 headers too large, a
 * malformed request line, a request timeout) is answered on the socket as problem+json with the same headers.
 */
export function clientErrorHandler(production: boolean): (error: Error, socket: Socket) => void {
  return (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const requestId = requestIdFor();
      const status = clientErrorStatus(error);
      const problem = frameworkProblem(status, requestId) ?? internalErrorProblem(requestId);
      const payload = JSON.stringify(problem);
      const headers = {
        ...commonHeaders(production, requestId),
        'content-length': String(Buffer.byteLength(payload)),
        connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\r\n');
      socket.write(`HTTP/1.1 ${status} ${problem.title}\r\n${head}\r\n\r\n${payload}`);
    }
    socket.destroy(error);
  };
}

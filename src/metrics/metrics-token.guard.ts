import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, ErrorKind } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` when that variable is set; open otherwise. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    if (config.metricsToken !== undefined) this.expected = digest(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const presented = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')?.[1];
    // Equal-length digests, compared in constant time: the comparison says nothing about the token.
    if (presented !== undefined && timingSafeEqual(digest(presented), this.expected)) return true;
    throw metricsTokenRequired();
  }
}

export function metricsTokenRequired(): DomainError {
  return new DomainError(ErrorKind.Unauthenticated, 'UNAUTHENTICATED', 'Authentication required', {
    detail: 'GET /metrics requires the metrics bearer token',
  });
}

import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { UnitOfWork } from './unit-of-work';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Wraps every state-changing handler in one unit of work: the business rows and their audit rows
 * commit together or not at all, and the response is sent only after the commit.
 */
@Injectable()
export class UnitOfWorkInterceptor implements NestInterceptor {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (READ_ONLY_METHODS.has(request.method)) return next.handle();
    return from(
      this.unitOfWork.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })),
    );
  }
}

import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { TRANSACTION_MODE, type TransactionMode } from './transaction-mode';
import { UnitOfWork } from './unit-of-work';

/**
 * Bound by `@Transactional()`. Wraps the handler in one unit of work: the business rows and their audit rows
 * commit together or not at all, and the response is sent only after the commit. What a handler declares
 * decides, never its HTTP method (start-up refuses a state-changing route that declares nothing); a method
 * declared `@ReadOnly()` in a controller declared `@Transactional()` runs outside a transaction.
 */
@Injectable()
export class UnitOfWorkInterceptor implements NestInterceptor {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const mode = this.reflector.getAllAndOverride<TransactionMode | undefined>(TRANSACTION_MODE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (mode !== 'transactional') return next.handle();
    return from(
      this.unitOfWork.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })),
    );
  }
}

import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { TRANSACTION_MODE } from './transaction-mode';
import { UnitOfWorkInterceptor } from './unit-of-work.interceptor';

export { TRANSACTION_MODE, type TransactionMode } from './transaction-mode';

/**
 * The handler changes state: it runs as one unit of work, so its rows and their audit rows commit together or
 * not at all, and the response (cookies included) is sent only after the commit. The interceptor is bound
 * here rather than globally, so a read-only route pays for no interceptor chain at all.
 */
export const Transactional = () =>
  applyDecorators(
    SetMetadata(TRANSACTION_MODE, 'transactional'),
    UseInterceptors(UnitOfWorkInterceptor),
  );

/** The handler only reads: no transaction is opened (on SQLite, none waits for the write lock). */
export const ReadOnly = () => SetMetadata(TRANSACTION_MODE, 'read-only');

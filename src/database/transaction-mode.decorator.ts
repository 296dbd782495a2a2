import { SetMetadata } from '@nestjs/common';

export const TRANSACTION_MODE = 'aegis:transactionMode';
export type TransactionMode = 'transactional' | 'read-only';

/**
 * The handler changes state: it runs as one unit of work, so its rows and their audit rows commit together or
 * not at all, and the response (cookies included) is sent only after the commit.
 */
export const Transactional = () => SetMetadata(TRANSACTION_MODE, 'transactional');

/** The handler only reads: no transaction is opened (on SQLite, none waits for the write lock). */
export const ReadOnly = () => SetMetadata(TRANSACTION_MODE, 'read-only');

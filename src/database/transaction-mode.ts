/** The metadata key under which a handler (or its controller) declares whether it changes state. */
export const TRANSACTION_MODE = 'aegis:transactionMode';
export type TransactionMode = 'transactional' | 'read-only';

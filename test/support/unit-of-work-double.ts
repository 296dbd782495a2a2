import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config';
import { UnitOfWork } from '../../src/database/unit-of-work';

/** A DataSource double that records what each query runner was asked to do, in order. */
function fakeDataSource(type: 'better-sqlite3' | 'postgres', failCommit = false) {
  const log: string[] = [];
  let runners = 0;
  const dataSource = {
    options: { type },
    manager: { name: 'plain' } as unknown as EntityManager,
    createQueryRunner: () => {
      const id = ++runners;
      const runner = {
        isTransactionActive: false,
        isReleased: false,
        manager: { name: `tx${id}` } as unknown as EntityManager,
        connect: async () => undefined,
        startTransaction: async () => {
          log.push(`begin ${id}`);
          runner.isTransactionActive = true;
        },
        commitTransaction: async () => {
          log.push(`commit ${id}`);
          if (failCommit) throw new Error('commit failed');
          runner.isTransactionActive = false;
        },
        rollbackTransaction: async () => {
          log.push(`rollback ${id}`);
          runner.isTransactionActive = false;
        },
        release: async () => {
          log.push(`release ${id}`);
          runner.isReleased = true;
        },
      };
      return runner as unknown as QueryRunner;
    },
  };
  return { dataSource: dataSource as unknown as DataSource, log };
}

export function setup(
  type: 'better-sqlite3' | 'postgres' = 'better-sqlite3',
  { failCommit = false, queueWaitMs = 10_000 } = {},
) {
  const { dataSource, log } = fakeDataSource(type, failCommit);
  const config = { database: { statementTimeoutMs: queueWaitMs } } as AppConfig;
  return { unitOfWork: new UnitOfWork(dataSource, config), log };
}

export const touch = async (unitOfWork: UnitOfWork) =>
  (await unitOfWork.manager()) as unknown as { name: string };

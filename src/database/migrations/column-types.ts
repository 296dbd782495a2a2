import type { QueryRunner } from 'typeorm';

/**
 * Instants are stored as `timestamptz` on PostgreSQL and as UTC `datetime` text on SQLite;
 * entities declare `type: Date` and TypeORM maps it per driver.
 */
export function timestampType(queryRunner: QueryRunner): string {
  return queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
}

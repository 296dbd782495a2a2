import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { usernameSkeletonV1 } from './username-skeleton-v1';

/**
 * The UTS #39 confusable skeleton of every username, unique, so a look-alike (`аlice` in Cyrillic after
 * `alice`, `admin` + U+3164) cannot become a second account. Existing accounts whose names already look
 * alike must not stop the upgrade: the oldest of each group gets the skeleton (and so blocks new look-alikes),
 * the later ones keep NULL (a unique index allows any number of NULLs on SQLite and PostgreSQL) and are
 * reported here and by `users:confusables`. Usernames themselves are not rewritten: they log in as before.
 */
export class UsernameSkeleton1764202300000 implements MigrationInterface {
  name = 'UsernameSkeleton1764202300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      // A skeleton can be several times as long as the name (64 code points): `m` → `rn`, some up to 7.
      new TableColumn({
        name: 'username_skeleton',
        type: 'varchar',
        length: '512',
        isNullable: true,
      }),
    );
    const users = await queryRunner.manager
      .createQueryBuilder()
      .select(['id', 'username'])
      .from('users', 'u')
      .orderBy('created_at', 'ASC')
      .addOrderBy('id', 'ASC')
      .getRawMany<{ id: string; username: string }>();
    const placeholder = (n: number) =>
      queryRunner.connection.options.type === 'postgres' ? `$${n}` : '?';
    const holders = new Map<string, string>();
    const lookAlikes: string[] = [];
    for (const user of users) {
      const skeleton = usernameSkeletonV1(user.username);
      const holder = holders.get(skeleton);
      if (holder !== undefined) {
        lookAlikes.push(`${user.id} looks like ${holder}`);
        continue;
      }
      holders.set(skeleton, user.id);
      // Plain SQL: a migration must not depend on the entity of today (a query builder would map through it).
      await queryRunner.query(
        `UPDATE users SET username_skeleton = ${placeholder(1)} WHERE id = ${placeholder(2)}`,
        [skeleton, user.id],
      );
    }
    await queryRunner.createIndex(
      'users',
      new TableIndex({
        name: 'uq_users_username_skeleton',
        columnNames: ['username_skeleton'],
        isUnique: true,
      }),
    );
    if (lookAlikes.length > 0) {
      queryRunner.connection.logger.log(
        'warn',
        `${lookAlikes.length} existing account(s) have a username that looks like an older account's ` +
          `(user ids: ${lookAlikes.join('; ')}); run "users:confusables" to list them`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('users', 'uq_users_username_skeleton');
    await queryRunner.dropColumn('users', 'username_skeleton');
  }
}

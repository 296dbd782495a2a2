import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { PrincipalChangePublisher } from '../events/principal-change-publisher';
import { User } from './entities/user.entity';
import { Role } from '../common/access/role';

export interface UserListQuery {
  /** Canonical (normalised) username prefix. */
  usernamePrefix?: string;
  /** Free text: a username starting with `search.usernamePrefix` or a display name containing `search.text`. */
  search?: { usernamePrefix: string; text: string };
  role?: Role;
  isActive?: boolean;
  /** Exclusive: the last username of the previous page. */
  afterUsername?: string;
  limit: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

@Injectable()
export class UsersRepository {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly principals: PrincipalChangePublisher,
  ) {}

  async findById(id: string): Promise<User | null> {
    return (await this.unitOfWork.manager()).findOneBy(User, { id });
  }

  async findByUsername(username: string): Promise<User | null> {
    return (await this.unitOfWork.manager()).findOneBy(User, { username });
  }

  /** The accounts stored under any of these exact usernames (at most one each: the column is unique). */
  async findByUsernames(usernames: string[]): Promise<User[]> {
    return (await this.unitOfWork.manager()).findBy(User, { username: In(usernames) });
  }

  async findBySkeleton(skeleton: string): Promise<User | null> {
    return (await this.unitOfWork.manager()).findOneBy(User, { usernameSkeleton: skeleton });
  }

  /** Every account's id, username and creation time, oldest first (for the confusables report). */
  async listNames(): Promise<Pick<User, 'id' | 'username' | 'createdAt'>[]> {
    return (await this.unitOfWork.manager()).find(User, {
      select: { id: true, username: true, createdAt: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * The user row, locked until the end of the transaction on PostgreSQL: a password change, reset or disable
   * running at the same moment waits for (or is waited for by) this transaction instead of interleaving with it.
   * SQLite transactions are already serialised by the unit of work.
   */
  async findByIdForUpdate(id: string): Promise<User | null> {
    const manager = await this.unitOfWork.manager();
    const builder = manager.createQueryBuilder(User, 'u').where('u.id = :id', { id });
    if (manager.dataSource.options.type === 'postgres') builder.setLock('pessimistic_write');
    return builder.getOne();
  }

  async count(): Promise<number> {
    return (await this.unitOfWork.manager()).count(User);
  }

  async insert(user: User): Promise<void> {
    await (await this.unitOfWork.manager()).insert(User, user);
  }

  /** Through PrincipalChangePublisher: a change of status, role or name must reach the principal check at once. */
  async update(id: string, changes: Partial<Omit<User, 'id'>>): Promise<void> {
    const manager = await this.unitOfWork.manager();
    await this.principals.write({ userId: id }, () => manager.update(User, { id }, changes));
  }

  /**
   * Not through PrincipalChangePublisher: when someone last signed in changes nothing a principal check reads,
   * and invalidating every cached principal of the user on each login would only cost a reload.
   */
  async recordSignIn(id: string, at: Date, ip: string): Promise<void> {
    await (
      await this.unitOfWork.manager()
    ).update(User, { id }, { lastSignInAt: at, lastSignInIp: ip.slice(0, 64) });
  }

  /** One page in username order (unique, so the order is stable and the cursor exact). */
  async list(query: UserListQuery): Promise<User[]> {
    const builder = (await this.unitOfWork.manager()).createQueryBuilder(User, 'u');
    if (query.usernamePrefix !== undefined) {
      builder.andWhere("u.username LIKE :prefix ESCAPE '\\'", {
        prefix: `${escapeLike(query.usernamePrefix)}%`,
      });
    }
    if (query.search !== undefined) {
      // The display name is matched anywhere in it, which no b-tree index serves: the page is still read in
      // username order (the unique index) and stops once full, so a search reads until it finds a page.
      builder.andWhere(
        "(u.username LIKE :searchPrefix ESCAPE '\\' OR LOWER(u.display_name) LIKE :searchText ESCAPE '\\')",
        {
          searchPrefix: `${escapeLike(query.search.usernamePrefix)}%`,
          searchText: `%${escapeLike(query.search.text)}%`,
        },
      );
    }
    if (query.role !== undefined) builder.andWhere('u.role = :role', { role: query.role });
    if (query.isActive !== undefined)
      builder.andWhere('u.is_active = :active', { active: query.isActive });
    if (query.afterUsername !== undefined)
      builder.andWhere('u.username > :after', { after: query.afterUsername });
    return builder.orderBy('u.username', 'ASC').take(query.limit).getMany();
  }

  /**
   * The ids of the active administrators, locked until the end of the transaction on PostgreSQL, so two
   * concurrent demotions cannot each see the other as "another admin" and leave none. (SQLite transactions
   * are already serialised by the unit of work.) Locked in id order: without it PostgreSQL locks rows in the
   * order its scan meets them, and an admin row rewritten a moment earlier (a promotion, a rename) sits
   * elsewhere in the table for a later scan, so two demotions could each hold a row the other waits for —
   * `deadlock detected`, a 500. With one order for everyone, the second simply waits for the first.
   */
  async lockActiveAdmins(): Promise<string[]> {
    const manager = await this.unitOfWork.manager();
    const builder = manager
      .createQueryBuilder(User, 'u')
      .select('u.id', 'id')
      .where('u.role = :role', { role: Role.Admin })
      .andWhere('u.is_active = :active', { active: true })
      .orderBy('u.id', 'ASC');
    if (manager.dataSource.options.type === 'postgres') builder.setLock('pessimistic_write');
    const rows = await builder.getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }
}

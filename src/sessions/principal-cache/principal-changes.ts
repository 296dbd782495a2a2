import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../database/unit-of-work';
import { PrincipalCache, type PrincipalTarget } from './principal-cache';

/**
 * The one way a repository writes what the principal check reads (a session's revocation, expiry, amr or
 * auth_time; a user's name, role, status or password obligation): the cache forgets the target before the
 * write and again once the transaction holding it has ended, committed or rolled back, and stores no read
 * in between. Other instances and processes learn of the write from the database (PrincipalCacheFeed).
 */
@Injectable()
export class PrincipalChanges {
  constructor(
    private readonly cache: PrincipalCache,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async write<T>(target: PrincipalTarget, work: () => Promise<T>): Promise<T> {
    this.cache.writeStarted(target);
    if (this.unitOfWork.isActive()) {
      this.unitOfWork.onEnd(() => this.cache.writeEnded(target));
      return work();
    }
    try {
      return await work();
    } finally {
      this.cache.writeEnded(target);
    }
  }
}

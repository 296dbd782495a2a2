import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import type { PrincipalTarget } from './app-events';
import { EventBus } from './event-bus';

/**
 * The one way a repository writes what the principal check reads (a session's revocation, expiry, amr or
 * auth_time; a user's name, role, status or password obligation; whether a user has a confirmed factor):
 * `principal.changing` before the write, `principal.changed` once the transaction holding it has ended, committed
 * or rolled back. A listener that keeps principals (the principal cache) forgets the target on both and keeps no
 * read in between. Other instances and processes learn of the write from the database.
 */
@Injectable()
export class PrincipalChangePublisher {
  constructor(
    private readonly events: EventBus,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async write<T>(target: PrincipalTarget, work: () => Promise<T>): Promise<T> {
    this.events.publish('principal.changing', target);
    if (this.unitOfWork.isActive()) {
      this.unitOfWork.onEnd(() => this.events.publish('principal.changed', target));
      return work();
    }
    try {
      return await work();
    } finally {
      this.events.publish('principal.changed', target);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { UnitOfWork } from '../database/unit-of-work';
import type { AppEventName, AppEvents } from './app-events';

/**
 * Publishes the events of AppEvents, typed by name, on the application's event emitter. Listeners
 * (`@OnAppEvent`) run in the publisher's call, synchronously up to their first await, so a cache can forget an
 * entry before the write that stales it runs; a failing listener is logged and never fails the publisher. Other
 * instances and processes learn of changes from the database, not from this bus.
 */
@Injectable()
export class EventBus {
  constructor(
    private readonly emitter: EventEmitter2,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  publish<K extends AppEventName>(name: K, payload: AppEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  /**
   * For listeners that must see the change committed (they read it, or act outside the database): published once
   * the current unit of work commits, at once outside one, never on rollback.
   */
  publishAfterCommit<K extends AppEventName>(name: K, payload: AppEvents[K]): void {
    if (this.emitter.listenerCount(name) === 0) return;
    this.unitOfWork.onCommit(() => this.publish(name, payload));
  }
}

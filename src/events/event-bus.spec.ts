import { Injectable, Logger } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { UnitOfWork } from '../database/unit-of-work';
import type { EndedSessions } from './app-events';
import { EventBus } from './event-bus';
import { OnAppEvent } from './on-app-event.decorator';

@Injectable()
class RecordingListener {
  readonly heard: unknown[] = [];

  @OnAppEvent('session.ended')
  sessionsEnded(ended: EndedSessions): void {
    this.heard.push(ended);
  }

  @OnAppEvent('user.disabled')
  failing(): Promise<void> {
    return Promise.reject(new Error('listener broke'));
  }
}

/** A unit of work double that keeps its commit callbacks until told how the transaction ended. */
function pendingUnitOfWork() {
  let callbacks: Array<() => void> = [];
  return {
    onCommit: (callback: () => void) => void callbacks.push(callback),
    commit: () => callbacks.splice(0).forEach((callback) => callback()),
    rollback: () => void (callbacks = []),
  };
}

async function setup() {
  const unitOfWork = pendingUnitOfWork();
  const module = await Test.createTestingModule({
    imports: [EventEmitterModule.forRoot()],
    providers: [EventBus, RecordingListener, { provide: UnitOfWork, useValue: unitOfWork }],
  }).compile();
  await module.init();
  return { bus: module.get(EventBus), listener: module.get(RecordingListener), unitOfWork };
}

describe('EventBus', () => {
  it('delivers to the @OnAppEvent methods of the providers, after commit and never on rollback', async () => {
    const { bus, listener, unitOfWork } = await setup();
    bus.publishAfterCommit('session.ended', { userId: 'u-1' });
    expect(listener.heard).toEqual([]);
    unitOfWork.commit();
    expect(listener.heard).toEqual([{ userId: 'u-1' }]);
    bus.publishAfterCommit('session.ended', { sessionIds: ['s-1'] });
    unitOfWork.rollback();
    unitOfWork.commit();
    expect(listener.heard).toEqual([{ userId: 'u-1' }]);
  });

  it('delivers synchronously, in the publisher’s call', async () => {
    const { bus, listener } = await setup();
    bus.publish('session.ended', { sessionIds: ['s-2'] });
    expect(listener.heard).toEqual([{ sessionIds: ['s-2'] }]);
  });

  it('logs a listener that fails and never fails the publisher', async () => {
    const { bus } = await setup();
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      expect(() => bus.publish('user.disabled', { userId: 'u-1' })).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged).toHaveBeenCalledWith('listener broke', expect.any(String));
    } finally {
      logged.mockRestore();
    }
  });
});

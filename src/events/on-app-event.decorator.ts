import { OnEvent } from '@nestjs/event-emitter';
import type { AppEventName, AppEvents } from './app-events';

/**
 * Subscribes the decorated provider method to an event of AppEvents; the compiler checks that its parameter takes
 * the event's payload. A failure is logged, never thrown into the publisher.
 */
export function OnAppEvent<K extends AppEventName>(name: K) {
  return <T extends (payload: AppEvents[K]) => unknown>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): void => {
    OnEvent(name)(target, key, descriptor);
  };
}

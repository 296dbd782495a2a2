import { EventEmitter2 } from '@nestjs/event-emitter';
import type { UnitOfWork } from '../../src/database/unit-of-work';
import type { PrincipalTarget } from '../../src/events/app-events';
import { EventBus } from '../../src/events/event-bus';
import { PrincipalChangePublisher } from '../../src/events/principal-change-publisher';
import type { PrincipalCache } from '../../src/sessions/principal-cache/principal-cache';
import { PrincipalCacheInvalidator } from '../../src/sessions/principal-cache/principal-cache-invalidator';

/** The publisher a repository writes through, wired by an event emitter to a cache's invalidator, as in the app. */
export function principalChangesInto(
  cache: PrincipalCache,
  unitOfWork: UnitOfWork,
): PrincipalChangePublisher {
  const emitter = new EventEmitter2();
  const invalidator = new PrincipalCacheInvalidator(cache);
  emitter.on('principal.changing', (target: PrincipalTarget) => invalidator.writeStarted(target));
  emitter.on('principal.changed', (target: PrincipalTarget) => invalidator.writeEnded(target));
  return new PrincipalChangePublisher(new EventBus(emitter, unitOfWork), unitOfWork);
}

import { Injectable } from '@nestjs/common';
import type { PrincipalTarget } from '../../events/app-events';
import { OnAppEvent } from '../../events/on-app-event.decorator';
import { PrincipalCache } from './principal-cache';

/**
 * Keeps this instance's principal cache in step with the writes made here, whichever feature owns them: the target
 * is forgotten when the write starts and again when its transaction ends, and no read is kept in between.
 */
@Injectable()
export class PrincipalCacheInvalidator {
  constructor(private readonly cache: PrincipalCache) {}

  @OnAppEvent('principal.changing')
  writeStarted(target: PrincipalTarget): void {
    this.cache.writeStarted(target);
  }

  @OnAppEvent('principal.changed')
  writeEnded(target: PrincipalTarget): void {
    this.cache.writeEnded(target);
  }

  /** Already covered by the disable's own principal change; forgotten again once it committed, at no cost. */
  @OnAppEvent('user.disabled')
  userDisabled({ userId }: { userId: string }): void {
    this.cache.forget({ userId });
  }
}

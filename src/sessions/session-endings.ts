import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';

/** Which sessions just ended: some by id, or (an account-wide revocation) every ended session of a user. */
export type EndedSessions = { sessionIds: string[] } | { userId: string };

export type SessionEndedListener = (ended: EndedSessions) => Promise<void>;

/**
 * Tells whoever subscribed (the OpenID provider, which ends its own sessions and tokens with Aegis's) that
 * sessions ended. Listeners run after the revoking transaction committed, never inside it, and their failures
 * are logged, never thrown into the request that revoked. Expiry needs no notice: listeners check liveness.
 */
@Injectable()
export class SessionEndings {
  private readonly logger = new Logger(SessionEndings.name);
  private readonly listeners: SessionEndedListener[] = [];

  constructor(private readonly unitOfWork: UnitOfWork) {}

  subscribe(listener: SessionEndedListener): void {
    this.listeners.push(listener);
  }

  notify(ended: EndedSessions): void {
    if (this.listeners.length === 0) return;
    this.unitOfWork.onCommit(() => {
      for (const listener of this.listeners)
        listener(ended).catch((error: unknown) =>
          this.logger.error(
            `A session-ended listener failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    });
  }
}

/** Waiting for the lock took longer than the caller allowed. */
export class LockWaitTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Waited ${timeoutMs} ms for the lock`);
    this.name = 'LockWaitTimeoutError';
  }
}

/** A FIFO lock for async code: `const release = await mutex.acquire(); try { … } finally { release(); }`. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /**
   * Resolves with the release function once every earlier holder has released. With `timeoutMs`, rejects with
   * {@link LockWaitTimeoutError} instead when the wait is longer; the abandoned turn passes straight on, so
   * the queue behind it keeps moving.
   */
  acquire(timeoutMs?: number): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    if (timeoutMs === undefined) return acquired;
    return new Promise((resolve, reject) => {
      let abandoned = false;
      const timer = setTimeout(() => {
        abandoned = true;
        reject(new LockWaitTimeoutError(timeoutMs));
      }, timeoutMs);
      timer.unref();
      void acquired.then((releaseTurn) => {
        if (abandoned) return releaseTurn();
        clearTimeout(timer);
        resolve(releaseTurn);
      });
    });
  }
}

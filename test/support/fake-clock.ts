import { Clock } from '../../src/common/clock';

/** A clock the test moves by hand: expiry and grace windows without sleeping. */
export class FakeClock extends Clock {
  private current = Date.now();

  override now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

import { Secret, TOTP } from 'otpauth';
import type { FakeClock } from './fake-clock';

/** The code an authenticator app with this secret shows at the fake clock's time (SHA-1, 6 digits, 30 s). */
export function totpCode(secret: string, clock: FakeClock, offsetSteps = 0): string {
  return new TOTP({
    secret: Secret.fromBase32(secret),
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  }).generate({
    timestamp: clock.now().getTime() + offsetSteps * 30_000,
  });
}

/** A 6-digit code that is not `code`'s neighbour in the window (wrong for sure). */
export function wrongCode(secret: string, clock: FakeClock): string {
  const right = new Set([-1, 0, 1].map((offset) => totpCode(secret, clock, offset)));
  for (let guess = 0; ; guess++) {
    const candidate = String(guess).padStart(6, '0');
    if (!right.has(candidate)) return candidate;
  }
}

/** Moves the fake clock to the start of the next 30-second step (a new code). */
export function nextStep(clock: FakeClock): void {
  const now = clock.now().getTime();
  clock.advance(30_000 - (now % 30_000));
}

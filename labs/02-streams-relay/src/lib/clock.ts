/**
 * Time comes from a clock the tests can replace, so expiry and timestamps are
 * deterministic in tests and real in production.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

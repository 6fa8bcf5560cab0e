// The clock and random source the logic runs on: real ones here, fakes in tests.

export interface Clock {
  /** Wall-clock milliseconds; expiries are shared between workers, so this must be epoch time. */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** Uniform in [0, 1), like Math.random. */
export type Random = () => number;

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer),
};

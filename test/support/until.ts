// The one bounded wait of every test and benchmark, in browsers and in Node: poll a check until it gives a value.

// Plain ES has no timers; pages, workers and Node all do. Declared here so this file compiles under any lib.
declare function setTimeout(run: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;

/** What a check gives once it passes: its value, without the falsy ones that mean "not yet". */
export type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;

/**
 * Calls `check` every `every` ms until it returns (or resolves) a truthy value, and resolves that value.
 * Rejects once `ms` have passed without one, naming `what`. The deadline is a timer, not a clock reading, so a
 * test that replaces Date or performance cannot move it.
 */
export async function until<T>(what: string, check: () => T | Promise<T>, ms = 10_000, every = 10): Promise<Truthy<T>> {
  let late = false;
  const deadline = setTimeout(() => {
    late = true;
  }, ms);
  try {
    for (;;) {
      const value = await check();
      if (value) return value as Truthy<T>;
      if (late) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => setTimeout(resolve, every));
    }
  } finally {
    clearTimeout(deadline);
  }
}

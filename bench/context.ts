// What every benchmark gets: the server process, the browser, a log line, and bounded waiting.

import type { Bench } from './browser.ts';
import type { ServerProcess } from './server.ts';

export interface Context {
  server: ServerProcess;
  browser: Bench;
  log(line: string): void;
}

let trial = 0;

/** A worker name (and IndexedDB store) no earlier trial used, so trials cannot see each other. */
export function freshName(what: string): string {
  return `bench-${what}-${process.pid}-${++trial}`;
}

/** Polls `check` until it gives a value; throws after `ms`, which means the benchmark broke. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  ms = 20_000,
  every = 10,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

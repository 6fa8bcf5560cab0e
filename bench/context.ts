// What every benchmark gets: the server process, the browser, a log line, and a pause.

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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// What the benchmarks ask of the server process, and the clock both sides stamp times with.

export type FailHow = 'reset' | 'blackhole';

/** Topics named `prefix0`, `prefix1`, ... */
export interface Topics {
  prefix: string;
  count: number;
}

export type ServerCommand =
  | { cmd: 'start'; args: { hosts: number; heartbeat: number } }
  | { cmd: 'stop'; args?: undefined }
  | { cmd: 'kill'; args: { hosts: number[] } }
  | { cmd: 'blackhole'; args: { hosts: number[] } }
  | { cmd: 'fail'; args: { how: FailHow; topics: Topics } }
  | { cmd: 'publishEach'; args: { topics: Topics } }
  | { cmd: 'counts'; args?: undefined }
  | { cmd: 'memory'; args?: undefined }
  | { cmd: 'burst'; args: { topic: string; count: number } }
  | { cmd: 'paced'; args: { topic: string; rate: number; ms: number } }
  | { cmd: 'startStream'; args: { topic: string; every: number } }
  | { cmd: 'stopStream'; args?: undefined };

/** What each command resolves to. */
export interface ServerResults {
  start: string[];
  stop: undefined;
  kill: number;
  blackhole: number;
  fail: { at: number; published: number };
  publishEach: undefined;
  counts: { connections: number; topics: number }[];
  memory: { heap: number; rss: number };
  burst: number;
  paced: number;
  startStream: undefined;
  stopStream: undefined;
}

export interface ServerReply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Epoch milliseconds with sub-millisecond precision. Node and Chromium both add a monotonic clock
 * to a wall-clock origin, so times taken in the server and in a tab can be subtracted.
 */
export function clockNow(): number {
  return performance.timeOrigin + performance.now();
}

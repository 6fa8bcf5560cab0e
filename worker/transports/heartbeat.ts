// Liveness of one connection: a ping every H ms, and dead when nothing at all arrives for 2 × H.

import type { Clock } from '../../shared/clock.ts';

export interface Heartbeat {
  /** Something arrived: the connection is alive. */
  alive(): void;
  stop(): void;
}

export function startHeartbeat(clock: Clock, interval: number, ping: () => void, dead: () => void): Heartbeat {
  const deadline = 2 * interval;
  let last = clock.now();
  // Re-armed before each ping, so a ping that ends the connection (and so calls stop) clears the next one.
  const beat = (): void => {
    pinger = clock.setTimeout(beat, interval);
    ping();
  };
  let pinger = clock.setTimeout(beat, interval);
  // One watch timer re-armed from the last arrival, so a busy stream costs a timestamp, not a timer.
  const watch = (): void => {
    const quiet = clock.now() - last;
    if (quiet >= deadline) {
      stop();
      dead();
    } else {
      timer = clock.setTimeout(watch, deadline - quiet);
    }
  };
  let timer = clock.setTimeout(watch, deadline);
  const stop = (): void => {
    clock.clearTimeout(pinger);
    clock.clearTimeout(timer);
  };
  return {
    alive: () => {
      last = clock.now();
    },
    stop,
  };
}

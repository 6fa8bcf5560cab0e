// Liveness of one connection: a ping every H ms, and dead when nothing at all arrives for 2 × H.

export interface Heartbeat {
  /** Something arrived: the connection is alive. */
  alive(): void;
  stop(): void;
}

export function startHeartbeat(interval: number, ping: () => void, dead: () => void): Heartbeat {
  const deadline = 2 * interval;
  let last = performance.now();
  const pinger = setInterval(ping, interval);
  // One watch timer re-armed from the last arrival, so a busy stream costs a timestamp, not a timer.
  const watch = (): void => {
    const quiet = performance.now() - last;
    if (quiet >= deadline) {
      stop();
      dead();
    } else {
      timer = setTimeout(watch, deadline - quiet);
    }
  };
  let timer = setTimeout(watch, deadline);
  const stop = (): void => {
    clearInterval(pinger);
    clearTimeout(timer);
  };
  return {
    alive: () => {
      last = performance.now();
    },
    stop,
  };
}

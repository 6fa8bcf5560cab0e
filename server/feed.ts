// The demo feed: prices such as ticks/EURUSD, a random walk published at a steady rate.

import type { Backplane } from './backplane.ts';

export interface FeedOptions {
  /** Currency pairs; each is published on `ticks/PAIR`. */
  pairs?: string[];
  /** Messages per second on each topic; default 2. */
  rate?: number;
}

const START: Record<string, number> = { EURUSD: 1.08, GBPUSD: 1.27, USDJPY: 151.2, AUDUSD: 0.66 };

/** Publishes on the backplane until the returned stop() is called. */
export function startFeed(backplane: Backplane, options: FeedOptions = {}): () => void {
  const pairs = options.pairs ?? Object.keys(START);
  const prices = new Map(pairs.map((pair) => [pair, START[pair] ?? 1]));
  const timer = setInterval(
    () => {
      for (const [pair, price] of prices) {
        const next = price * (1 + (Math.random() - 0.5) / 1000);
        prices.set(pair, next);
        void backplane.publish(`ticks/${pair}`, { pair, price: Number(next.toPrecision(6)), time: Date.now() });
      }
    },
    1000 / (options.rate ?? 2),
  );
  return () => clearInterval(timer);
}

// A clock for tests: time moves only when the test says, and due timers run in order.

import type { Clock } from '../../shared/clock.ts';

interface Timer {
  at: number;
  run: () => void;
  id: number;
}

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private nextId = 1;
  constructor(private time = 1_000_000) {}

  now = (): number => this.time;

  setTimeout = (run: () => void, ms: number): unknown => {
    const timer = { at: this.time + Math.max(0, ms), run, id: this.nextId++ };
    this.timers.push(timer);
    return timer.id;
  };

  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running each timer that falls due and letting its promises settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.run();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

/** Lets every pending promise chain run: a macrotask comes after all microtasks. */
export function settle(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

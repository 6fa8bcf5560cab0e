// Message rate per topic, from the growth of each topic's message count over the last few seconds.

export interface TopicCount {
  topic: string;
  messages: number;
}

export class RateMeter {
  #samples: { at: number; counts: Map<string, number> }[] = [];

  /** `window`: ms of samples a rate is measured over. */
  readonly #window: number;

  constructor(window = 5000) {
    this.#window = window;
  }

  /** Adds the counts read at `at` (epoch ms); returns messages per second by topic. */
  update(at: number, topics: readonly TopicCount[]): Map<string, number> {
    const last = this.#samples.at(-1);
    if (!last || at > last.at)
      this.#samples.push({ at, counts: new Map(topics.map(({ topic, messages }) => [topic, messages])) });
    // Keep one sample older than the window, so the window is always spanned.
    while (this.#samples.length > 2 && this.#samples[1]!.at <= at - this.#window) this.#samples.shift();
    const latest = this.#samples.at(-1)!;
    const rates = new Map<string, number>();
    for (const [topic, count] of latest.counts) {
      const first = this.#samples.find((sample) => sample.counts.has(topic))!;
      const seconds = (latest.at - first.at) / 1000;
      // A count that went down belongs to a new worker: no rate until it has grown again.
      const grown = count - first.counts.get(topic)!;
      rates.set(topic, seconds > 0 && grown > 0 ? grown / seconds : 0);
    }
    return rates;
  }
}

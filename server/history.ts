// The last N messages of each topic, so a subscriber that comes back can be replayed what it missed.

/** Messages kept per topic when no historyLimit is given, by every backplane and the CLI. */
export const HISTORY_LIMIT = 1000;

export interface Message {
  topic: string;
  seq: number;
  data: unknown;
}

/** What a subscriber that last saw `from` can be given again. */
export interface Replay {
  messages: Message[];
  /** The newest seq of the topic, 0 if none. */
  seq: number;
  /** False when messages after `from` were trimmed and are lost. */
  recovered: boolean;
}

export class History {
  readonly #topics = new Map<string, { seq: number; kept: Message[] }>();

  constructor(readonly limit: number) {}

  /** Gives the message the topic's next seq and keeps it. */
  add(topic: string, data: unknown): Message {
    let entry = this.#topics.get(topic);
    if (!entry) {
      entry = { seq: 0, kept: [] };
      this.#topics.set(topic, entry);
    }
    const message = { topic, seq: ++entry.seq, data };
    entry.kept.push(message);
    // Trim in chunks so a full topic doesn't shift its array on every message.
    if (entry.kept.length >= this.limit + Math.max(1, this.limit >> 3))
      entry.kept.splice(0, entry.kept.length - this.limit);
    return message;
  }

  seq(topic: string): number {
    return this.#topics.get(topic)?.seq ?? 0;
  }

  since(topic: string, from: number): Replay {
    const entry = this.#topics.get(topic);
    if (!entry) return { messages: [], seq: 0, recovered: true };
    const start = Math.max(0, entry.kept.length - this.limit);
    const kept = entry.kept.slice(start);
    const oldest = kept[0]?.seq ?? entry.seq + 1;
    return {
      messages: kept.filter((m) => m.seq > from),
      seq: entry.seq,
      recovered: from >= entry.seq || oldest <= from + 1,
    };
  }
}

// The topic table: which tabs hold each topic, the last seq delivered, dedupe, gaps, and batched delivery per tab.

import type { Delivery, Gap, TopicInfo } from '../shared/state.ts';

/** A tab, as the table sees it. */
export interface Subscriber {
  /** Every message for this tab from one turn of the event loop, in order. */
  deliver(batch: Delivery[]): void;
  gap(gap: Gap): void;
}

interface Topic {
  subscribers: Set<Subscriber>;
  /** The last seq delivered, or the host's newest at subscribe time; undefined until a host has answered. */
  seq?: number;
  /** Messages delivered, for rates in the inspector. */
  messages: number;
}

export class TopicTable {
  readonly #topics = new Map<string, Topic>();
  readonly #batches = new Map<Subscriber, Delivery[]>();

  /** `schedule` runs the flush once the current turn's messages are in (queueMicrotask in a worker). */
  readonly #schedule: (flush: () => void) => void;

  constructor(schedule: (flush: () => void) => void) {
    this.#schedule = schedule;
  }

  /**
   * Adds a tab to a topic; `first` says the topic is new and must be subscribed upstream.
   * `from` is the last seq the tab saw (a tab restoring its topics into a new worker), so nothing after it is lost.
   */
  add(topic: string, subscriber: Subscriber, from?: number): { first: boolean; seq: number } {
    let entry = this.#topics.get(topic);
    const first = entry === undefined;
    if (!entry) {
      entry = { subscribers: new Set(), seq: from, messages: 0 };
      this.#topics.set(topic, entry);
    }
    entry.subscribers.add(subscriber);
    if (entry.seq !== undefined) this.#enqueue(subscriber, [topic, entry.seq]);
    return { first, seq: entry.seq ?? 0 };
  }

  /** Removes a tab from a topic; true when it was the last one, so the topic must be unsubscribed upstream. */
  remove(topic: string, subscriber: Subscriber): boolean {
    const entry = this.#topics.get(topic);
    if (!entry?.subscribers.delete(subscriber)) return false;
    if (entry.subscribers.size > 0) return false;
    this.#topics.delete(topic);
    return true;
  }

  /** Removes a tab from every topic; returns the topics left with no subscriber. */
  removeAll(subscriber: Subscriber): string[] {
    this.#batches.delete(subscriber);
    return [...this.#topics.keys()].filter((topic) => this.remove(topic, subscriber));
  }

  /** The `sub` frame for a topic: from the last seq known, so a resubscribe replays what was missed, even on a quiet topic. */
  subscription(topic: string): { op: 'sub'; topic: string; from?: number } {
    const seq = this.#topics.get(topic)?.seq;
    return seq === undefined ? { op: 'sub', topic } : { op: 'sub', topic, from: seq };
  }

  /** Every live topic, to resubscribe after a (re)connect. */
  names(): string[] {
    return [...this.#topics.keys()];
  }

  /** A `msg` from the server: dropped if already delivered, a gap reported if seqs were skipped. */
  message(topic: string, seq: number, data: unknown): void {
    const entry = this.#topics.get(topic);
    if (!entry || seq <= (entry.seq ?? 0)) return;
    if (entry.seq !== undefined && seq > entry.seq + 1) this.#gap(entry, { topic, from: entry.seq + 1, to: seq - 1 });
    entry.seq = seq;
    entry.messages++;
    for (const subscriber of entry.subscribers) this.#enqueue(subscriber, [topic, seq, data]);
  }

  /** A `subscribed` answer: the newest seq, and whether the replay since `from` was whole. */
  subscribed(topic: string, seq: number, recovered: boolean): void {
    const entry = this.#topics.get(topic);
    if (!entry || seq <= (entry.seq ?? -1)) return;
    const first = entry.seq === undefined;
    if (!first && !recovered) this.#gap(entry, { topic, from: entry.seq! + 1, to: seq });
    entry.seq = seq;
    if (first) for (const subscriber of entry.subscribers) this.#enqueue(subscriber, [topic, seq]);
  }

  has(topic: string): boolean {
    return this.#topics.has(topic);
  }

  get size(): number {
    return this.#topics.size;
  }

  info(): TopicInfo[] {
    return [...this.#topics].map(([topic, e]) => ({
      topic,
      subscribers: e.subscribers.size,
      seq: e.seq ?? 0,
      messages: e.messages,
    }));
  }

  /** Adds to the tab's batch for this turn, scheduling the flush with the turn's first item. */
  #enqueue(subscriber: Subscriber, item: Delivery): void {
    let batch = this.#batches.get(subscriber);
    if (!batch) {
      batch = [];
      this.#batches.set(subscriber, batch);
      if (this.#batches.size === 1) this.#schedule(this.#flush);
    }
    batch.push(item);
  }

  #gap(entry: Topic, gap: Gap): void {
    // Messages already batched go first, so a tab sees the gap where it happened.
    this.#flush();
    for (const subscriber of entry.subscribers) subscriber.gap(gap);
  }

  readonly #flush = (): void => {
    const batches = [...this.#batches];
    this.#batches.clear();
    for (const [subscriber, batch] of batches) subscriber.deliver(batch);
  };
}

// The topic table: which tabs hold each topic, where its history stands, dedupe, gaps, resets, and batched delivery per tab.

import type { Delivery, Gap, Reset, TopicInfo, TopicState } from '../shared/state.ts';

/** A tab, as the table sees it. */
export interface Subscriber {
  /** Every message for this tab from one turn of the event loop, in order. */
  deliver(batch: Delivery[]): void;
  gap(gap: Gap): void;
  reset(reset: Reset): void;
}

/**
 * A `msg` whose seq jumps further than this past the last one is not believed: a history does not skip a million
 * messages between two frames, so the host is asked where the topic stands instead (it answers with `subscribed`).
 */
export const MAX_SEQ_JUMP = 1_000_000;

interface Topic {
  subscribers: Set<Subscriber>;
  state: TopicState;
  /** The last seq delivered, or the host's newest at subscribe time; undefined until a host has answered. */
  seq?: number;
  /** The history the seqs count in, as the host named it; a new one means the history began again. */
  epoch?: string;
  /** The last messages delivered, oldest first, so a tab that joins behind catches up (the last replayLimit of them). */
  recent: [seq: number, data: unknown][];
  /** Messages delivered, for rates in the inspector. */
  messages: number;
  /**
   * Messages that came before the host's `subscribed` answer (a replay from `from`): held until the answer says
   * which history they belong to, so a new history's messages are never delivered as the old one's.
   */
  held: [seq: number, data: unknown][];
}

export class TopicTable {
  readonly #topics = new Map<string, Topic>();
  readonly #batches = new Map<Subscriber, Delivery[]>();
  /** `schedule` runs the flush once the current turn's messages are in (queueMicrotask in a worker). */
  readonly #schedule: (flush: () => void) => void;
  /** Messages kept per topic for tabs that join behind (the config's replayLimit). */
  readonly #replayLimit: number;

  constructor(schedule: (flush: () => void) => void, replayLimit: number) {
    this.#schedule = schedule;
    this.#replayLimit = replayLimit;
  }

  /**
   * Adds a tab to a topic; `upstream` says the topic must be subscribed upstream (it is new, or a tab knows an earlier
   * seq than anyone asked for). `from` is the last seq the tab saw (a back/forward-cache restore, or a tab restoring
   * its topics into a new worker): what it missed since is replayed to it, or reported as a gap.
   */
  add(topic: string, subscriber: Subscriber, from?: number, epoch?: string): { upstream: boolean } {
    let entry = this.#topics.get(topic);
    if (!entry) {
      // The tab's epoch is the history `from` counts in: a host that names another one is a reset for it.
      entry = { subscribers: new Set(), state: 'subscribing', seq: from, epoch, recent: [], messages: 0, held: [] };
      this.#topics.set(topic, entry);
      entry.subscribers.add(subscriber);
      if (from !== undefined) this.#enqueue(subscriber, [topic, from]);
      return { upstream: true };
    }
    entry.subscribers.add(subscriber);
    if (entry.state === 'refused') {
      // Another tab may be allowed what this one was not (credentials): the host is asked again.
      entry.state = 'subscribing';
      return { upstream: true };
    }
    if (entry.seq === undefined) {
      // No host has answered yet: ask from the earliest seq a tab knows, so none of them misses anything.
      if (from === undefined) return { upstream: false };
      entry.seq = from;
      entry.epoch ??= epoch;
      this.#enqueue(subscriber, [topic, from]);
      return { upstream: true };
    }
    if (from !== undefined && epoch !== undefined && entry.epoch !== undefined && epoch !== entry.epoch) {
      // The tab left in a history that has since begun again: its `from` means nothing here.
      this.#flush();
      subscriber.reset({ topic, last: from, seq: entry.seq, epoch: entry.epoch });
    } else if (from !== undefined && from < entry.seq) this.#catchUp(topic, entry, subscriber, from);
    this.#enqueue(subscriber, [topic, entry.seq]);
    return { upstream: false };
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

  /** A host refused the topic for good; the tabs that still hold it see that in the state until they let go. */
  refuse(topic: string): void {
    const entry = this.#topics.get(topic);
    if (entry) entry.state = 'refused';
  }

  /** The `sub` frame for a topic: from the last seq known, so a resubscribe replays what was missed, even on a quiet topic. */
  subscription(topic: string): { op: 'sub'; topic: string; from?: number } {
    const seq = this.#topics.get(topic)?.seq;
    return seq === undefined ? { op: 'sub', topic } : { op: 'sub', topic, from: seq };
  }

  /** Every topic held, to resubscribe after a (re)connect. */
  names(): string[] {
    return [...this.#topics.keys()];
  }

  /** The connection dropped (or one topic is in doubt): its topics wait for the host's answer, and its replay. */
  unconfirm(topics: string[] = this.names()): void {
    for (const topic of topics) {
      const entry = this.#topics.get(topic);
      if (!entry) continue;
      entry.state = 'subscribing';
      entry.held = [];
    }
  }

  /**
   * A `msg` from the server: dropped if already delivered, a gap reported if seqs were skipped.
   * Returns false for a seq too far ahead to believe: the caller asks the host where the topic stands.
   */
  message(topic: string, seq: number, data: unknown): boolean {
    const entry = this.#topics.get(topic);
    if (!entry) return true;
    if (entry.state === 'subscribing') {
      entry.held.push([seq, data]);
      return true;
    }
    if (seq <= (entry.seq ?? 0)) return true;
    if (entry.seq !== undefined) {
      if (seq - entry.seq > MAX_SEQ_JUMP) return false;
      if (seq > entry.seq + 1) this.#gap(entry, { topic, from: entry.seq + 1, to: seq - 1 });
    }
    entry.seq = seq;
    entry.messages++;
    entry.recent.push([seq, data]);
    // Trimmed in one go once it holds twice the limit: a shift per message would move the whole ring each time.
    if (entry.recent.length > 2 * this.#replayLimit) entry.recent.splice(0, entry.recent.length - this.#replayLimit);
    for (const subscriber of entry.subscribers) this.#enqueue(subscriber, [topic, seq, data]);
    return true;
  }

  /**
   * A `subscribed` answer: the newest seq, whether the replay since `from` was whole, and the history's epoch.
   * A new epoch, or a newest seq below the one this table holds, means the history began again: a reset. Else the
   * held replay is delivered. Returns false, as message() does, for a held seq too far ahead to believe.
   */
  subscribed(topic: string, seq: number, recovered: boolean, epoch?: string): boolean {
    const entry = this.#topics.get(topic);
    if (!entry) return true;
    entry.state = 'live';
    const held = entry.held;
    entry.held = [];
    const known = entry.seq;
    const changed = epoch !== undefined && entry.epoch !== undefined && epoch !== entry.epoch;
    if (epoch !== undefined) entry.epoch = epoch;
    if (known === undefined) {
      entry.seq = seq;
      for (const subscriber of entry.subscribers) this.#enqueue(subscriber, [topic, seq]);
      return true;
    }
    if (changed || seq < known) {
      // What was held is the new history's, up to `seq`: the reset tells the tabs it is not delivered.
      entry.seq = seq;
      entry.recent = [];
      this.#flush();
      const reset = epoch === undefined ? { topic, last: known, seq } : { topic, last: known, seq, epoch };
      for (const subscriber of entry.subscribers) subscriber.reset(reset);
      return true;
    }
    for (const [heldSeq, data] of held) if (!this.message(topic, heldSeq, data)) return false;
    const now = entry.seq!;
    if (seq <= now) return true;
    if (!recovered) this.#gap(entry, { topic, from: now + 1, to: seq });
    entry.seq = seq;
    return true;
  }

  has(topic: string): boolean {
    return this.#topics.has(topic);
  }

  /** The epoch of the topic's history, when a host named one. */
  epoch(topic: string): string | undefined {
    return this.#topics.get(topic)?.epoch;
  }

  /** Whether a host has confirmed the topic since the last (re)connect. */
  live(topic: string): boolean {
    return this.#topics.get(topic)?.state === 'live';
  }

  get size(): number {
    return this.#topics.size;
  }

  info(): TopicInfo[] {
    return [...this.#topics].map(([topic, e]) => ({
      topic,
      state: e.state,
      subscribers: e.subscribers.size,
      seq: e.seq ?? 0,
      messages: e.messages,
    }));
  }

  /** A tab that joins at `from`, behind the topic: what the table still keeps, and a gap for what it does not. */
  #catchUp(topic: string, entry: Topic, subscriber: Subscriber, from: number): void {
    const kept = entry.recent.slice(-this.#replayLimit).filter(([seq]) => seq > from);
    const oldest = kept[0]?.[0] ?? entry.seq! + 1;
    if (oldest > from + 1) {
      this.#flush();
      subscriber.gap({ topic, from: from + 1, to: oldest - 1 });
    }
    this.#enqueue(subscriber, [topic, from]);
    for (const [seq, data] of kept) this.#enqueue(subscriber, [topic, seq, data]);
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

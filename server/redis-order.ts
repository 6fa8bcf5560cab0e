// Puts the messages a host hears from Redis in seq order per topic, reading the topic's stream for any it missed.

import type { Message } from './history.ts';

interface Topic {
  /** The newest seq passed on. */
  seq: number;
  /** Messages heard while the stream is read, or after a read failed: passed on once what is missing is read. */
  held?: Message[];
  reading?: boolean;
}

/**
 * Pub/sub delivers in publish order, but a host misses what is published while its subscriber connection
 * is away. A seq that jumps shows the hole; the stream still holds what fell in it (unless it was trimmed).
 */
export class InOrder {
  readonly #topics = new Map<string, Topic>();
  readonly #read: (topic: string, after: number) => Promise<Message[]>;
  readonly #pass: (message: Message) => void;

  /** `read` gives a topic's messages after a seq, oldest first; `pass` takes each message once, in order. */
  constructor(read: (topic: string, after: number) => Promise<Message[]>, pass: (message: Message) => void) {
    this.#read = read;
    this.#pass = pass;
  }

  /** The topics heard so far and the newest seq passed on for each. */
  heard(): [topic: string, seq: number][] {
    return [...this.#topics].map(([topic, { seq }]) => [topic, seq]);
  }

  /** A message as pub/sub delivered it. */
  hear(message: Message): void {
    const topic = this.#topics.get(message.topic);
    if (!topic) {
      this.#topics.set(message.topic, { seq: message.seq });
      this.#pass(message);
      return;
    }
    if (topic.held) {
      topic.held.push(message);
      if (!topic.reading) void this.#fill(topic, message.topic);
    } else if (message.seq === topic.seq + 1) {
      topic.seq = message.seq;
      this.#pass(message);
    } else if (message.seq > topic.seq + 1) {
      topic.held = [message];
      void this.#fill(topic, message.topic);
    }
  }

  /** Reads and passes on whatever was published on a topic after the newest seq passed on. */
  async catchUp(name: string): Promise<void> {
    const topic = this.#topics.get(name);
    if (!topic || topic.reading) return;
    topic.held ??= [];
    await this.#fill(topic, name);
  }

  async #fill(topic: Topic, name: string): Promise<void> {
    topic.reading = true;
    try {
      for (const message of await this.#read(name, topic.seq)) this.#take(topic, message);
    } catch {
      // Redis went away while the stream was read: keep holding; the next message or reconnection reads again.
      return;
    } finally {
      topic.reading = false;
    }
    const held = topic.held ?? [];
    topic.held = undefined;
    for (const message of held.sort((a, b) => a.seq - b.seq)) this.#take(topic, message);
  }

  #take(topic: Topic, message: Message): void {
    if (message.seq <= topic.seq) return;
    topic.seq = message.seq;
    this.#pass(message);
  }
}

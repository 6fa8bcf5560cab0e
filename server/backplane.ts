// What the hosts of a cluster share: one seq per topic, the history, publish ids, and fan-out to every host.

import { randomUUID } from 'node:crypto';
import type { NackCode } from '../shared/protocol.ts';
import { Dedupe } from './dedupe.ts';
import { HISTORY_LIMIT, History, type Message, type Replay } from './history.ts';

export type { Message, Replay };

/** The result of a publish: the message, or `duplicate` when its id was already published. */
export type Published = { message: Message; duplicate?: false } | { message?: undefined; duplicate: true };

/** Whether a backplane that lives elsewhere can be reached; while it cannot, pubs are refused. */
export type BackplaneStatus = { up: true } | { up: false; reason: string };

/**
 * What a backplane that lives elsewhere throws when a command fails, saying whether a publish happened:
 * `unavailable` when it was refused before publishing, `unknown` when it was sent and no answer came.
 * Either way the client retries with the same id, and dedupe publishes it once.
 */
export class BackplaneError extends Error {
  override name = 'BackplaneError';
  constructor(
    readonly code: Extract<NackCode, 'unavailable' | 'unknown'>,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every host of a cluster uses one backplane. It is asynchronous so that one living
 * elsewhere (Redis, NATS) can implement it; MemoryBackplane is the in-process one.
 */
export interface Backplane {
  /**
   * Publishes on every host; `id`, when given, is published at most once per dedupe window.
   * Rejects with a BackplaneError when it cannot tell, or did not, publish.
   */
  publish(topic: string, data: unknown, id?: string): Promise<Published>;
  /** Calls `listener` with every message published on any host, in seq order per topic. */
  listen(listener: (message: Message) => void): () => void;
  /** The newest seq of a topic, 0 if none. */
  seq(topic: string): Promise<number>;
  /** Messages of a topic after `from` still held. */
  since(topic: string, from: number): Promise<Replay>;
  /**
   * Calls `listener` at once with the backplane's status, then each time it goes down or comes back; one in this
   * process never does.
   */
  status?(listener: (status: BackplaneStatus) => void): () => void;
  /** Seconds one command takes there and back; rejects while the backplane is unreachable. */
  ping?(): Promise<number>;
  /**
   * The history epoch: it changes whenever the history of the topics began again, so a client can tell a
   * host that lost history from one with nothing new. Undefined until a backplane that lives elsewhere is reached.
   */
  epoch(): string | undefined;
}

export interface MemoryBackplaneOptions {
  /** Messages kept per topic; default 1000. */
  historyLimit?: number;
  /** How long a publish id is remembered, in ms; default 10 minutes. */
  dedupeWindow?: number;
}

export class MemoryBackplane implements Backplane {
  readonly #history: History;
  readonly #dedupe: Dedupe;
  readonly #listeners = new Set<(message: Message) => void>();
  // The history lives and dies with this object, so a new one (a restarted process) begins a new epoch.
  readonly #epoch = randomUUID();

  constructor(options: MemoryBackplaneOptions = {}) {
    this.#history = new History(options.historyLimit ?? HISTORY_LIMIT);
    this.#dedupe = new Dedupe(options.dedupeWindow ?? 10 * 60_000);
  }

  async publish(topic: string, data: unknown, id?: string): Promise<Published> {
    if (id !== undefined && !this.#dedupe.claim(id)) return { duplicate: true };
    const message = this.#history.add(topic, data);
    for (const listener of this.#listeners) listener(message);
    return { message };
  }

  listen(listener: (message: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async seq(topic: string): Promise<number> {
    return this.#history.seq(topic);
  }

  async since(topic: string, from: number): Promise<Replay> {
    return this.#history.since(topic, from);
  }

  epoch(): string {
    return this.#epoch;
  }
}

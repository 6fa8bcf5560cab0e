// The Redis backplane: hosts in separate processes or machines share seq, history, publish ids and fan-out through one Redis.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { messageOf } from '../shared/errors.ts';
import {
  type Backplane,
  BackplaneError,
  type BackplaneStatus,
  type Message,
  type Published,
  type Replay,
} from './backplane.ts';
import { HISTORY_LIMIT } from './history.ts';
import { InOrder } from './redis-order.ts';
import { EPOCH, PUBLISH, RAISE, run, SINCE } from './redis-scripts.ts';

export interface RedisBackplaneOptions {
  /** Where Redis is: redis://HOST:PORT (or rediss://, with a user, password and database as usual). */
  url: string;
  /** Messages kept per topic; default 1000. */
  historyLimit?: number;
  /** How long a publish id is remembered, in ms; default 10 minutes. */
  dedupeWindow?: number;
  /** Put before every key and channel, so clusters can share one Redis; default `switchboard:`. */
  prefix?: string;
  /**
   * How long a command may go unanswered, in ms; default COMMAND_TIMEOUT (5000). A pub past it is nacked
   * `unknown`: it may still be published, so the client sends it again with the same id.
   */
  commandTimeout?: number;
  /** Where lines about the Redis connection go; default console.error. */
  log?: (line: string) => void;
}

/** How long a Redis command may go unanswered when no commandTimeout is given, in ms. */
export const COMMAND_TIMEOUT = 5000;

/** A stream entry as XRANGE answers it: [id, [field, value, ...]]. */
type Entry = [id: string, fields: string[]];

const OPTIONS = {
  // While Redis is away, commands fail at once (so a pub is nacked) instead of waiting in a queue.
  enableOfflineQueue: false,
  // A pub cut off mid-flight is nacked, not sent again behind the client's back.
  autoResendUnfulfilledCommands: false,
  autoResubscribe: false,
  connectTimeout: 2000,
  maxRetriesPerRequest: 0,
  retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
};

export class RedisBackplane implements Backplane {
  readonly url: string;
  readonly #historyLimit: number;
  readonly #dedupeWindow: number;
  readonly #prefix: string;
  readonly #commandTimeout: number;
  readonly #log: (line: string) => void;
  /** Commands; a connection that subscribes can send nothing else. */
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #order: InOrder;
  readonly #listeners = new Set<(message: Message) => void>();
  readonly #statusListeners = new Set<(status: BackplaneStatus) => void>();
  #status: BackplaneStatus = { up: false, reason: 'not connected yet' };
  /** The cluster's history epoch, as Redis last said; kept across outages to be set again if Redis lost it. */
  #epoch: string | undefined;
  /** The outage has been logged and told to hosts. */
  #announced = false;
  #lastError = '';
  #closed = false;
  /** Counts reconnections, so a recovery overtaken by the next outage gives up. */
  #generation = 0;
  #ready: { promise: Promise<void>; resolve: () => void };

  constructor(options: RedisBackplaneOptions) {
    if (!/^rediss?:\/\/./.test(options.url))
      throw new Error(`the Redis URL must look like redis://127.0.0.1:6379, not "${options.url}"`);
    this.url = options.url;
    this.#historyLimit = options.historyLimit ?? HISTORY_LIMIT;
    this.#dedupeWindow = options.dedupeWindow ?? 10 * 60_000;
    this.#prefix = options.prefix ?? 'switchboard:';
    this.#commandTimeout = options.commandTimeout ?? COMMAND_TIMEOUT;
    this.#log = options.log ?? ((line) => console.error(`switchboard: ${line}`));
    this.#channel = `${this.#prefix}messages`;
    let resolve = () => {};
    this.#ready = { promise: new Promise<void>((done) => (resolve = done)), resolve };
    this.#order = new InOrder(
      (topic, after) => this.#range(topic, after),
      (message) => {
        for (const listener of this.#listeners) listener(message);
      },
    );
    this.#redis = this.#connect();
    this.#subscriber = this.#connect();
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.#channel) this.#order.hear(JSON.parse(text) as Message);
    });
  }

  /** Resolves once Redis is first reached; a host can start before that, refusing pubs until then. */
  ready(): Promise<void> {
    return this.#ready.promise;
  }

  async publish(topic: string, data: unknown, id?: string): Promise<Published> {
    const keys = [this.#key('seq', topic), this.#key('log', topic)];
    if (id !== undefined) keys.push(this.#key('pub', id));
    const json = JSON.stringify(data) ?? 'null';
    const args = [json, this.#historyLimit, this.#dedupeWindow, this.#channel, JSON.stringify(topic)];
    const seq = Number(await this.#command(() => run(this.#redis, PUBLISH, keys, args)));
    return seq === 0 ? { duplicate: true } : { message: { topic, seq, data: data ?? null } };
  }

  listen(listener: (message: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(listener: (status: BackplaneStatus) => void): () => void {
    this.#statusListeners.add(listener);
    listener(this.#status);
    return () => this.#statusListeners.delete(listener);
  }

  async seq(topic: string): Promise<number> {
    return Number(await this.#command(() => this.#redis.get(this.#key('seq', topic))));
  }

  async since(topic: string, from: number): Promise<Replay> {
    const keys = [this.#key('seq', topic), this.#key('log', topic)];
    const [seq, entries] = (await this.#command(() => run(this.#redis, SINCE, keys, [`${from + 1}-0`]))) as [
      number,
      Entry[],
    ];
    const messages = entries.map((entry) => this.#message(topic, entry));
    return { messages, seq, recovered: from >= seq || messages[0]?.seq === from + 1 };
  }

  epoch(): string | undefined {
    return this.#epoch;
  }

  async ping(): Promise<number> {
    const start = performance.now();
    await this.#command(() => this.#redis.ping());
    return (performance.now() - start) / 1000;
  }

  /** Disconnects from Redis for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#redis.disconnect();
    this.#subscriber.disconnect();
  }

  #connect(): Redis {
    const redis = new Redis(this.url, { ...OPTIONS, commandTimeout: this.#commandTimeout });
    redis.on('error', (error: Error) => (this.#lastError = error.message));
    redis.on('close', () => this.#down(this.#lastError || 'the connection closed'));
    redis.on('ready', () => void this.#recover());
    return redis;
  }

  #key(kind: 'seq' | 'log' | 'pub', name: string): string {
    return `${this.#prefix}${kind}:${name}`;
  }

  /**
   * Runs a command while Redis is up. When it cannot, or fails, throws a BackplaneError that says in the user's
   * words what is wrong and whether the command ran: `unavailable` when it surely did not, else `unknown`.
   */
  async #command<T>(command: () => Promise<T>): Promise<T> {
    if (!this.#status.up)
      throw new BackplaneError(
        'unavailable',
        `Redis at ${this.url} is unavailable (${this.#status.reason}): try again when it is back`,
      );
    try {
      return await command();
    } catch (error) {
      if (refused(error)) throw new BackplaneError('unavailable', `Redis at ${this.url} refused: ${messageOf(error)}`);
      throw new BackplaneError('unknown', `Redis at ${this.url} failed (${messageOf(error)}): the outcome is unknown`);
    }
  }

  async #range(topic: string, after: number): Promise<Message[]> {
    const entries = (await this.#redis.xrange(this.#key('log', topic), `${after + 1}-0`, '+')) as Entry[];
    return entries.map((entry) => this.#message(topic, entry));
  }

  #message(topic: string, [id, fields]: Entry): Message {
    return { topic, seq: Number.parseInt(id, 10), data: JSON.parse(fields[1] ?? 'null') as unknown };
  }

  #down(reason: string): void {
    this.#generation++;
    if (this.#closed || this.#announced) return;
    this.#announced = true;
    this.#setStatus({ up: false, reason });
    this.#log(`Redis at ${this.url} is unavailable (${reason}): pubs are refused until it is back`);
  }

  /**
   * Both connections are back: subscribe again, then, for every topic heard so far, raise a seq Redis lost
   * and read what was published while this host was away. Only then are pubs taken again.
   */
  async #recover(): Promise<void> {
    if (this.#redis.status !== 'ready' || this.#subscriber.status !== 'ready') return;
    const generation = this.#generation;
    try {
      await this.#subscriber.subscribe(this.#channel);
      // A restarted Redis has no scripts; load them so the pipeline below, and every pub, runs by sha.
      await Promise.all([PUBLISH, SINCE, RAISE, EPOCH].map(({ lua }) => this.#redis.script('LOAD', lua)));
      // Seqs go on (RAISE, below) after Redis lost its data, so the history did not begin again: keep the epoch.
      const epoch = String(await run(this.#redis, EPOCH, [`${this.#prefix}epoch`], [this.#epoch ?? randomUUID()]));
      if (this.#epoch !== undefined && epoch !== this.#epoch)
        this.#log(`Redis at ${this.url} has a new history epoch (another host set it after Redis lost its data)`);
      this.#epoch = epoch;
      const heard = this.#order.heard();
      const pipeline = this.#redis.pipeline();
      for (const [topic, seq] of heard) pipeline.evalsha(RAISE.sha, 1, this.#key('seq', topic), seq);
      const results = await pipeline.exec();
      let lost = 0;
      const behind: string[] = [];
      heard.forEach(([topic, seq], i) => {
        const [error, before] = results?.[i] ?? [new Error('no answer')];
        if (error) throw error;
        if (Number(before) < seq) lost++;
        else if (Number(before) > seq) behind.push(topic);
      });
      await Promise.all(behind.map((topic) => this.#order.catchUp(topic)));
      if (generation !== this.#generation) return;
      if (lost > 0)
        this.#log(
          `Redis at ${this.url} had lost the seq of ${lost} topics (restarted without its data?): raised them so seqs go on`,
        );
      this.#log(
        `Redis at ${this.url} is connected${heard.length ? `: ${behind.length} of ${heard.length} topics caught up` : ''}`,
      );
      this.#announced = false;
      this.#lastError = '';
      this.#setStatus({ up: true });
      this.#ready.resolve();
    } catch (error) {
      // The connection went away again; its next `ready` recovers.
      this.#lastError = messageOf(error);
    }
  }

  #setStatus(status: BackplaneStatus): void {
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}

/**
 * True when Redis surely did not publish: it answered with an error (OOM, BUSY or LOADING refuse a script
 * before it runs), or ioredis would not send the command on a closed stream. A timeout, or a connection lost
 * with the command in flight, leaves the outcome unknown.
 */
function refused(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ReplyError' || error.message.startsWith("Stream isn't writeable"));
}

// The broker: one failover loop, one topic table, one send queue and a state snapshot, shared by every tab.

import { type Host, hostAt, type Settings } from '../shared/config.ts';
import { messageOf, SwitchboardError } from '../shared/errors.ts';
import { type ClientFrame, MAX_TOPIC_LENGTH } from '../shared/protocol.ts';
import type { BrokerEvents, BrokerState, FailoverEvents } from '../shared/state.ts';
import type { RequestPlan } from '../shared/tab-api.ts';
import { backoff } from './backoff.ts';
import { Failover, type FailoverFrame, type FailoverWorld } from './failover.ts';
import { drawPlan } from './plan.ts';
import { UrlResolver } from './resolver.ts';
import { MAX_SEQ_JUMP, type Subscriber, TopicTable } from './topics.ts';

export interface BrokerWorld extends FailoverWorld {
  /** Runs `flush` after the current turn (queueMicrotask), so each tab gets one batch per turn. */
  schedule(flush: () => void): void;
}

interface PendingSend {
  frame: Extract<ClientFrame, { op: 'pub' }>;
  done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/** A subscribe() waiting for a host to confirm its topic; it resolves with the topic's epoch. */
interface Confirmation {
  subscriber: Subscriber;
  resolve(epoch: string | undefined): void;
  reject(error: Error): void;
}

/** A `sub` or a `pub` being tried again on the same connection: how many times, and the timer of the next try. */
interface Retry {
  attempt: number;
  timer?: unknown;
}

/** nack codes that say the pub was not published, or may not have been: it is sent again with the same id. */
const RETRYABLE_NACKS = new Set(['unavailable', 'unknown']);
/** error codes of a `sub` that no retry will change. */
const PERMANENT_REFUSALS = new Set(['forbidden', 'invalid']);

export class Broker {
  #loop?: Failover;
  #connected = false;
  #loadBalance: boolean;
  readonly #topics: TopicTable;
  readonly #pending = new Map<string, PendingSend>();
  /** subscribe() calls waiting for their topic's first `subscribed`, by topic. */
  readonly #confirmations = new Map<string, Confirmation[]>();
  /** Topics whose `sub` waits for an answer or for its next try, by topic. */
  readonly #subscriptionRetries = new Map<string, Retry>();
  /** Sends refused for a while (a backend outage) or whose outcome is unknown, by id. */
  readonly #sendRetries = new Map<string, Retry>();
  #idleTimer: unknown;
  #expiries: BrokerState['expiries'] = [];
  /** The try order while no loop runs (drawn once, like the loop's). */
  #idlePlan?: Host[];
  readonly #resolver: UrlResolver;

  #settings: Settings;
  readonly #world: BrokerWorld;
  readonly #emit: <K extends keyof BrokerEvents>(name: K, detail: BrokerEvents[K]) => void;

  constructor(
    settings: Settings,
    world: BrokerWorld,
    emit: <K extends keyof BrokerEvents>(name: K, detail: BrokerEvents[K]) => void,
  ) {
    this.#settings = settings;
    this.#world = world;
    this.#emit = emit;

    this.#loadBalance = settings.loadBalance;
    this.#topics = new TopicTable(world.schedule, settings.replayLimit);
    this.#resolver = new UrlResolver(
      world,
      {
        settings: () => this.#settings,
        connected: () => this.#connectedHost(),
        plan: () => this.#plan(),
        reach: () => {
          const loop = this.#start();
          // A loop that has already failed keeps trying slowly: give this caller a fresh set of rounds.
          if (loop.state.failed) loop.reconnect();
          this.#activity();
        },
      },
      emit,
    );
  }

  /**
   * Adds a tab to a topic; the first tab subscribes upstream. Resolves once a host has confirmed the topic; rejects
   * when a host refuses it for good. `from`: the last seq the tab saw, when it resumes (a new worker, the
   * back/forward cache): what it missed is replayed to it, or reported as a gap; `epoch` is the history `from`
   * counts in, so a tab from another history is told of a reset instead. Resolves with the topic's epoch.
   */
  subscribe(subscriber: Subscriber, topic: string, from?: number, epoch?: string): Promise<string | undefined> {
    checkTopic(topic, 'subscribe');
    const { upstream } = this.#topics.add(topic, subscriber, from, epoch);
    if (upstream) this.#subscribeUpstream(topic);
    this.#activity();
    if (this.#topics.live(topic)) return Promise.resolve(this.#topics.epoch(topic));
    return new Promise((resolve, reject) => {
      const waiting = this.#confirmations.get(topic) ?? [];
      waiting.push({ subscriber, resolve, reject });
      this.#confirmations.set(topic, waiting);
    });
  }

  unsubscribe(subscriber: Subscriber, topic: string): void {
    checkTopic(topic, 'unsubscribe');
    if (this.#topics.remove(topic, subscriber)) this.#unsubscribeUpstream(topic);
    this.#activity();
  }

  /** A tab is gone: its topics are released upstream, and nothing waits on its behalf. */
  release(subscriber: Subscriber): void {
    for (const [topic, waiting] of this.#confirmations) {
      const left = waiting.filter((waiter) => waiter.subscriber !== subscriber);
      if (left.length) this.#confirmations.set(topic, left);
      else this.#confirmations.delete(topic);
    }
    for (const topic of this.#topics.removeAll(subscriber)) this.#unsubscribeUpstream(topic);
    this.#activity();
  }

  /** Publishes once: resolves on `ack`, rejects on `nack`; waits in a bounded queue while no host is connected. */
  send(topic: string, data: unknown, id: string): Promise<void> {
    checkTopic(topic, 'send');
    const known = this.#pending.get(id);
    if (known) return known.done;
    try {
      JSON.stringify(data);
    } catch (error) {
      return Promise.reject(
        new SwitchboardError(
          'invalid-argument',
          `send: data for "${topic}" cannot be sent as JSON (${messageOf(error)})`,
        ),
      );
    }
    if (!this.#connected && this.#pending.size >= this.#settings.sendQueueLimit) {
      return Promise.reject(
        new SwitchboardError(
          'queue-full',
          `send: the queue is full (${this.#settings.sendQueueLimit} sends are waiting for a connection)`,
        ),
      );
    }
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const send: PendingSend = { frame: { op: 'pub', topic, data, id }, done, resolve, reject };
    this.#pending.set(id, send);
    this.#upstream(send.frame);
    this.#activity();
    return done;
  }

  reconnect(): void {
    this.#start().reconnect();
  }

  /** `path` on the connected host, or on the first the loop reaches (the URL resolver). */
  resolve(path: string): Promise<string> {
    return this.#resolver.resolve(path);
  }

  /** The hosts a page's request should try (board.fetch). */
  requestPlan(): Promise<RequestPlan> {
    return this.#resolver.plan();
  }

  /** A page's request begins on a host. */
  requestAttempt(index: number): void {
    this.#resolver.attempt(index);
  }

  /** A page's request failed on a host: the state shows the failure expiry it gets. */
  requestFailed(index: number, reason: string): void {
    void this.#resolver.failed(index, reason).then(() => this.#refreshExpiries());
  }

  setLoadBalancing(on: boolean): void {
    this.#loadBalance = on;
    this.#idlePlan = undefined;
    this.#loop?.setLoadBalancing(on);
    this.#publishState();
  }

  /** Swaps in a new config: the connection is rebuilt, topics and sends carry over. */
  reconfigure(settings: Settings): void {
    this.#settings = settings;
    this.#loadBalance = settings.loadBalance;
    this.#idlePlan = undefined;
    this.#stopLoop();
    // Whatever held the old connection holds the new one: on connect, topics resubscribe and sends go out again.
    if (this.#topics.size > 0 || this.#pending.size > 0 || this.#resolver.waiting) this.#start();
    this.#activity();
  }

  /** Forgets a host's failure expiry (an inspector action). */
  async clearExpiry(index: number): Promise<void> {
    await this.#world.expiries.clear(hostAt(this.#settings, index, 'clearExpiry').url);
    await this.#refreshExpiries();
  }

  state(): BrokerState {
    const loop = this.#loop?.state;
    return {
      status: 'idle',
      round: 0,
      failed: false,
      plan: this.#plan().map(({ host, index }) => ({ host, index })),
      ...loop,
      loadBalance: this.#loadBalance,
      topics: this.#topics.info(),
      pendingSends: this.#pending.size,
      expiries: this.#expiries,
    };
  }

  close(): void {
    this.#world.clock.clearTimeout(this.#idleTimer);
    this.#stopLoop();
    for (const send of this.#pending.values())
      send.reject(new SwitchboardError('closed', 'send: Switchboard closed before the server acknowledged it'));
    for (const [topic, waiting] of this.#confirmations) {
      const error = new SwitchboardError('closed', `subscribe: Switchboard closed before a host confirmed "${topic}"`);
      for (const waiter of waiting) waiter.reject(error);
    }
    this.#confirmations.clear();
    this.#resolver.close();
    this.#pending.clear();
  }

  #connectedHost(): Host | undefined {
    const index = this.#connected ? this.#loop?.state.connected?.index : undefined;
    return index === undefined ? undefined : this.#settings.hosts[index];
  }

  #plan(): Host[] {
    const plan = this.#loop?.state.plan.map(({ index }) => this.#settings.hosts[index]!);
    if (plan) return plan;
    this.#idlePlan ??= drawPlan(this.#settings.plan, this.#loadBalance, this.#world.random);
    return this.#idlePlan;
  }

  /** Sends a frame if a host is connected; otherwise it goes out on the next connect. */
  #upstream(frame: ClientFrame): void {
    this.#start();
    if (this.#connected) this.#loop?.send(frame);
  }

  /** A topic nobody holds: a reconnect would not resubscribe it, so only a live connection hears of it. */
  #unsubscribeUpstream(topic: string): void {
    this.#stopRetry(this.#subscriptionRetries, topic);
    if (this.#connected) this.#loop?.send({ op: 'unsub', topic });
  }

  /** Sends a topic's `sub` if a host is connected; no answer within connectTimeout counts as a refusal for a while. */
  #subscribeUpstream(topic: string): void {
    this.#start();
    if (!this.#connected) return;
    this.#loop?.send(this.#topics.subscription(topic));
    const retry = this.#subscriptionRetries.get(topic) ?? { attempt: 0 };
    this.#world.clock.clearTimeout(retry.timer);
    const { connectTimeout } = this.#settings;
    // A slow answer is asked for again, quietly: it is not a refusal, and a loaded host is no error.
    retry.timer = this.#world.clock.setTimeout(() => this.#retrySubscription(topic), connectTimeout);
    this.#subscriptionRetries.set(topic, retry);
  }

  /**
   * A host refused a topic for a while (its backend is down: `refusal` says why, and tabs hear it) or did not answer
   * in time: ask again after a backoff.
   */
  #retrySubscription(topic: string, refusal?: string): void {
    if (!this.#topics.has(topic)) return;
    const retry = this.#subscriptionRetries.get(topic) ?? { attempt: 0 };
    this.#world.clock.clearTimeout(retry.timer);
    retry.attempt++;
    retry.timer = this.#world.clock.setTimeout(
      () => this.#subscribeUpstream(topic),
      backoff(retry.attempt, this.#settings, this.#world.random),
    );
    this.#subscriptionRetries.set(topic, retry);
    if (refusal) this.#emit('error', { what: 'sub', reason: `"${topic}": ${refusal}; trying again`, topic });
  }

  /** A msg seq too far ahead to believe: the host's `subscribed` answer says where the topic really stands. */
  #doubt(topic: string): void {
    const reason = `a msg seq more than ${MAX_SEQ_JUMP} past the last message; asking the host`;
    this.#emit('error', { what: 'msg', reason, topic });
    this.#topics.unconfirm([topic]);
    this.#subscribeUpstream(topic);
  }

  /** A host refused a topic for good: the subscribe() calls waiting for it reject, and tabs that held it hear why. */
  #refuseSubscription(topic: string, code: string, message: string): void {
    this.#stopRetry(this.#subscriptionRetries, topic);
    const error = new SwitchboardError(
      code === 'forbidden' ? 'forbidden' : 'invalid-argument',
      `subscribe: the host refused "${topic}" (${code}): ${message}`,
    );
    const waiting = this.#confirmations.get(topic) ?? [];
    this.#confirmations.delete(topic);
    for (const waiter of waiting) {
      this.#topics.remove(topic, waiter.subscriber);
      waiter.reject(error);
    }
    if (this.#topics.has(topic)) this.#topics.refuse(topic);
    this.#emit('error', { what: code, reason: error.message, topic });
    this.#publishState();
  }

  /** A send refused for a while, or whose outcome is unknown: sent again, with the same id, after a backoff. */
  #retrySend(send: PendingSend): void {
    const { id } = send.frame;
    const retry = this.#sendRetries.get(id) ?? { attempt: 0 };
    retry.attempt++;
    retry.timer = this.#world.clock.setTimeout(
      () => {
        if (this.#pending.has(id) && this.#connected) this.#loop?.send(send.frame);
      },
      backoff(retry.attempt, this.#settings, this.#world.random),
    );
    this.#sendRetries.set(id, retry);
  }

  #stopRetry(retries: Map<string, Retry>, key: string): void {
    this.#world.clock.clearTimeout(retries.get(key)?.timer);
    retries.delete(key);
  }

  /** The connection is gone: every topic and send is tried again on the next one, so no retry timer is left. */
  #stopRetries(): void {
    for (const retries of [this.#subscriptionRetries, this.#sendRetries]) {
      for (const key of retries.keys()) this.#stopRetry(retries, key);
    }
  }

  #start(): Failover {
    if (this.#loop) return this.#loop;
    const loop = new Failover({ ...this.#settings, loadBalance: this.#loadBalance }, this.#world, {
      event: (name, detail) => this.#onEvent(loop, name, detail),
      frame: (frame) => this.#onFrame(frame),
      protocolError: (what, reason) => this.#emit('error', { what, reason }),
    });
    this.#loop = loop;
    loop.start();
    return loop;
  }

  #stopLoop(): void {
    const loop = this.#loop;
    this.#loop = undefined;
    this.#connected = false;
    this.#stopRetries();
    this.#topics.unconfirm();
    loop?.close();
    this.#publishState();
  }

  #onEvent<K extends keyof FailoverEvents>(loop: Failover, name: K, detail: FailoverEvents[K]): void {
    if (loop !== this.#loop) return;
    if (name === 'state') {
      this.#publishState();
      // A failed host's expiry is written after its last connectFailed: the loop's next state change comes after it.
      void this.#refreshExpiries();
      return;
    }
    if (name === 'connected') this.#connected = true;
    if (name === 'disconnected') {
      this.#connected = false;
      this.#stopRetries();
      this.#topics.unconfirm();
    }
    this.#emit(name, detail as BrokerEvents[K]);
    this.#resolver.hear(name);
    if (name === 'connected') {
      // Resubscribe from the last seq delivered, then resend what is unacknowledged, with the same ids.
      for (const topic of this.#topics.names()) this.#subscribeUpstream(topic);
      for (const send of this.#pending.values()) loop.send(send.frame);
    }
  }

  #onFrame(frame: FailoverFrame): void {
    switch (frame.op) {
      case 'msg':
        if (!this.#topics.message(frame.topic, frame.seq, frame.data)) this.#doubt(frame.topic);
        break;
      case 'subscribed': {
        this.#stopRetry(this.#subscriptionRetries, frame.topic);
        if (!this.#topics.subscribed(frame.topic, frame.seq, frame.recovered, frame.epoch)) this.#doubt(frame.topic);
        const waiting = this.#confirmations.get(frame.topic) ?? [];
        this.#confirmations.delete(frame.topic);
        for (const waiter of waiting) waiter.resolve(this.#topics.epoch(frame.topic));
        break;
      }
      case 'ack':
      case 'nack': {
        const send = this.#pending.get(frame.id);
        if (!send) break;
        if (frame.op === 'nack' && RETRYABLE_NACKS.has(frame.code ?? '')) {
          this.#retrySend(send);
          break;
        }
        this.#pending.delete(frame.id);
        this.#stopRetry(this.#sendRetries, frame.id);
        const { topic } = send.frame;
        if (frame.op === 'ack') send.resolve();
        else {
          const code = frame.code === 'forbidden' ? 'forbidden' : 'nack';
          send.reject(new SwitchboardError(code, `send: the server refused "${topic}": ${frame.error}`));
        }
        this.#activity();
        break;
      }
      case 'error':
        if (frame.topic === undefined || !this.#topics.has(frame.topic)) {
          this.#emit('error', { what: frame.code, reason: frame.message });
        } else if (PERMANENT_REFUSALS.has(frame.code)) {
          this.#refuseSubscription(frame.topic, frame.code, frame.message);
        } else {
          this.#retrySubscription(frame.topic, `${frame.code}: ${frame.message}`);
        }
        break;
    }
  }

  /** Closes the upstream connection after idleTimeout with no topic, no pending send and no waiting resolve(). */
  #activity(): void {
    const { clock } = this.#world;
    clock.clearTimeout(this.#idleTimer);
    if (this.#topics.size > 0 || this.#pending.size > 0 || this.#resolver.waiting || !this.#loop) return;
    this.#idleTimer = clock.setTimeout(() => this.#stopLoop(), this.#settings.idleTimeout);
  }

  async #refreshExpiries(): Promise<void> {
    const now = this.#world.clock.now();
    const all = await this.#world.expiries.all();
    const expiries = this.#settings.hosts
      .map(({ host, index, url }) => ({ host, index, until: all.get(url) ?? 0 }))
      .filter(({ until }) => until > now);
    if (JSON.stringify(expiries) === JSON.stringify(this.#expiries)) return;
    this.#expiries = expiries;
    this.#publishState();
  }

  #publishState(): void {
    this.#emit('state', this.state());
  }
}

/** Topics as docs/PROTOCOL.md allows them: a non-empty string of at most MAX_TOPIC_LENGTH UTF-16 units. */
export function checkTopic(topic: unknown, call: string): asserts topic is string {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    const got =
      typeof topic === 'string' ? `a string of ${topic.length} characters` : topic === null ? 'null' : typeof topic;
    throw new SwitchboardError(
      'invalid-argument',
      `${call}: topic must be a non-empty string of at most ${MAX_TOPIC_LENGTH} characters, got ${got}`,
    );
  }
}

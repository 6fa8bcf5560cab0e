// The broker: one failover loop, one topic table, one send queue and a state snapshot, shared by every tab.

import { type Host, hostAt, type Settings } from '../shared/config.ts';
import { messageOf, SwitchboardError } from '../shared/errors.ts';
import { type ClientFrame, MAX_TOPIC_LENGTH } from '../shared/protocol.ts';
import type { BrokerEvents, BrokerState, FailoverEvents } from '../shared/state.ts';
import type { RequestPlan } from '../shared/tab-api.ts';
import { Failover, type FailoverFrame, type FailoverWorld } from './failover.ts';
import { drawPlan } from './plan.ts';
import { UrlResolver } from './resolver.ts';
import { type Subscriber, TopicTable } from './topics.ts';

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

export class Broker {
  #loop?: Failover;
  #connected = false;
  #loadBalance: boolean;
  readonly #topics: TopicTable;
  readonly #pending = new Map<string, PendingSend>();
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
    this.#topics = new TopicTable(world.schedule);
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
   * Adds a tab to a topic and returns the topic's current seq; the first tab subscribes upstream.
   * `from`: the last seq the tab saw, when it restores its topics into a new worker.
   */
  subscribe(subscriber: Subscriber, topic: string, from?: number): number {
    checkTopic(topic, 'subscribe');
    const { first, seq } = this.#topics.add(topic, subscriber, from);
    if (first) this.#upstream(this.#topics.subscription(topic));
    this.#activity();
    return seq;
  }

  unsubscribe(subscriber: Subscriber, topic: string): void {
    checkTopic(topic, 'unsubscribe');
    if (this.#topics.remove(topic, subscriber)) this.#unsubscribeUpstream(topic);
    this.#activity();
  }

  /** A tab is gone: its topics are released upstream. */
  release(subscriber: Subscriber): void {
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
    if (this.#connected) this.#loop?.send({ op: 'unsub', topic });
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
    if (name === 'disconnected') this.#connected = false;
    this.#emit(name, detail as BrokerEvents[K]);
    this.#resolver.hear(name);
    if (name === 'connected') {
      // Resubscribe from the last seq delivered, then resend what is unacknowledged, with the same ids.
      for (const topic of this.#topics.names()) loop.send(this.#topics.subscription(topic));
      for (const send of this.#pending.values()) loop.send(send.frame);
    }
  }

  #onFrame(frame: FailoverFrame): void {
    switch (frame.op) {
      case 'msg':
        this.#topics.message(frame.topic, frame.seq, frame.data);
        break;
      case 'subscribed':
        this.#topics.subscribed(frame.topic, frame.seq, frame.recovered);
        break;
      case 'ack':
      case 'nack': {
        const send = this.#pending.get(frame.id);
        if (!send) break;
        this.#pending.delete(frame.id);
        const { topic } = send.frame;
        if (frame.op === 'ack') send.resolve();
        else send.reject(new SwitchboardError('nack', `send: the server refused "${topic}": ${frame.error}`));
        this.#activity();
        break;
      }
      case 'error':
        this.#emit('error', { what: frame.code, reason: frame.message });
        break;
    }
  }

  /** Closes the upstream connection after idleTimeout with no topic and no pending send. */
  #activity(): void {
    const { clock } = this.#world;
    clock.clearTimeout(this.#idleTimer);
    if (this.#topics.size > 0 || this.#pending.size > 0 || !this.#loop) return;
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

/** Topics as PROTOCOL.md allows them: a non-empty string of at most MAX_TOPIC_LENGTH UTF-16 units. */
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

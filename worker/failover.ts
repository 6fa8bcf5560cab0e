// The failover loop: rounds over the plan, each host's types in turn, connectTimeout, failure expiry, backoff and events.

import type { Clock, Random } from '../shared/clock.ts';
import type { Host, Settings } from '../shared/config.ts';
import { messageOf } from '../shared/errors.ts';
import type { ClientFrame, ServerFrame, TransportType } from '../shared/protocol.ts';
import type { AttemptInfo, FailoverEvents, FailoverState, FailoverStatus } from '../shared/state.ts';
import { backoff } from './backoff.ts';
import type { ExpiryStore } from './expiry.ts';
import { drawPlan, startAfter } from './plan.ts';
import type { Connection, Transport } from './transport.ts';

/** Everything the loop touches outside itself, so tests can hand it fakes. */
export interface FailoverWorld {
  clock: Clock;
  random: Random;
  transport: Transport;
  expiries: ExpiryStore;
  /** Subscribes to "the network is back" (the browser's online event); returns the unsubscribe. */
  online?: (listener: () => void) => () => void;
}

/** A frame from the connected host that the loop passes on: it handles a `drain` itself. */
export type FailoverFrame = Exclude<ServerFrame, { op: 'drain' }>;

export interface FailoverHandlers {
  event<K extends keyof FailoverEvents>(name: K, detail: FailoverEvents[K]): void;
  /** A frame from the connected host. */
  frame(frame: FailoverFrame): void;
  /** A frame from the connected host that could not be used. */
  protocolError(what: string, reason: string): void;
}

interface Live {
  host: Host;
  type: TransportType;
  connection: Connection;
  ended: Promise<string>;
  end(reason: string): void;
}

export class Failover {
  #plan: Host[];
  #loadBalance: boolean;
  #status: FailoverStatus = 'idle';
  #rounds = 0;
  #failed = false;
  #attempt?: AttemptInfo;
  #live?: Live & { since: number };
  #nextRound?: number;
  readonly #closing = new AbortController();
  #wake = new AbortController();
  #stopOnline?: () => void;

  readonly #settings: Settings;
  readonly #world: FailoverWorld;
  readonly #handlers: FailoverHandlers;

  constructor(settings: Settings, world: FailoverWorld, handlers: FailoverHandlers) {
    this.#settings = settings;
    this.#world = world;
    this.#handlers = handlers;

    this.#loadBalance = settings.loadBalance;
    this.#plan = drawPlan(settings.plan, this.#loadBalance, world.random);
  }

  /** Starts the loop unless it runs already. */
  start(): void {
    if (this.#status !== 'idle') return;
    this.#setStatus('connecting');
    this.#stopOnline = this.#world.online?.(() => this.reconnect());
    void this.#run();
  }

  /** Starts a round at once, with a fresh count of rounds, if the loop is waiting between rounds. */
  reconnect(): void {
    if (this.#status === 'idle') {
      this.start();
      return;
    }
    this.#rounds = 0;
    this.#failed = false;
    this.#wake.abort();
  }

  /** Drops the connected host (a `drain`, a protocol violation); with `expire` its failure expiry applies. */
  drop(reason: string, expire: boolean): void {
    const live = this.#live;
    if (!live) return;
    live.connection.close();
    if (expire) void this.#world.expiries.fail(live.host.url, this.#world.clock.now() + this.#settings.failureExpiry);
    live.end(reason);
  }

  /** Sends on the open connection; false when there is none. */
  send(frame: ClientFrame): boolean {
    if (!this.#live) return false;
    this.#live.connection.send(frame);
    return true;
  }

  setLoadBalancing(on: boolean): void {
    this.#loadBalance = on;
    this.#plan = drawPlan(this.#settings.plan, on, this.#world.random);
    this.#publishState();
  }

  /** Stops for good: no timer, socket or pending attempt is left behind. */
  close(): void {
    if (this.#status === 'closed') return;
    this.#stopOnline?.();
    this.#live?.connection.close();
    this.#live?.end('closed');
    this.#closing.abort();
    this.#setStatus('closed');
  }

  get state(): FailoverState {
    const live = this.#live;
    return {
      status: this.#status,
      round: this.#rounds,
      failed: this.#failed,
      ...(this.#attempt && { attempt: { ...this.#attempt } }),
      ...(live && {
        connected: {
          host: live.host.host,
          index: live.host.index,
          type: live.type,
          server: live.connection.welcome.server,
          since: live.since,
        },
      }),
      ...(this.#nextRound !== undefined && { nextRound: this.#nextRound }),
      plan: this.#plan.map(({ host, index }) => ({ host, index })),
    };
  }

  get #closed(): boolean {
    return this.#closing.signal.aborted;
  }

  async #run(): Promise<void> {
    const { clock } = this.#world;
    let lastHost: Host | undefined;
    while (!this.#closed) {
      const roundStart = clock.now();
      const outcome = await this.#round(lastHost ? startAfter(this.#plan, lastHost) : this.#plan);
      if (this.#closed) return;
      if (outcome.kind === 'connected') {
        lastHost = outcome.host;
        this.#rounds = 0;
        this.#failed = false;
        // Rounds start at least reconnectDelay apart, so a host that accepts and drops at once is no storm.
        await this.#wait(roundStart + this.#settings.reconnectDelay - clock.now());
      } else if (outcome.kind === 'skipped') {
        await this.#wait(outcome.until - clock.now());
      } else {
        this.#rounds++;
        if (this.#rounds === this.#settings.connectCount) {
          this.#failed = true;
          this.#handlers.event('failed', { rounds: this.#rounds });
        }
        await this.#wait(this.#delayAfter(this.#rounds));
      }
    }
  }

  /** One round: the first host to reach `welcome` is used until it drops. */
  async #round(
    order: Host[],
  ): Promise<{ kind: 'connected'; host: Host } | { kind: 'failed' } | { kind: 'skipped'; until: number }> {
    const { clock, expiries } = this.#world;
    let tried = false;
    let earliest = Infinity;
    // One read a round: a failover should not wait on IndexedDB between hosts.
    const known = await expiries.all();
    for (const host of order) {
      const until = known.get(host.url) ?? 0;
      if (this.#closed) return { kind: 'failed' };
      if (until > clock.now()) {
        earliest = Math.min(earliest, until);
        continue;
      }
      tried = true;
      const live = await this.#connect(host);
      if (this.#closed) return { kind: 'failed' };
      if (live) {
        this.#live = { ...live, since: clock.now() };
        this.#setStatus('connected');
        this.#handlers.event('connected', { host: host.host, index: host.index, type: live.type });
        const reason = await live.ended;
        this.#live = undefined;
        if (this.#closed) return { kind: 'failed' };
        this.#handlers.event('disconnected', { host: host.host, index: host.index, reason });
        return { kind: 'connected', host };
      }
      // The store answers reads from memory at once, so the write need not hold up the next host.
      void expiries.fail(host.url, clock.now() + this.#settings.failureExpiry);
    }
    return tried ? { kind: 'failed' } : { kind: 'skipped', until: earliest };
  }

  /** Tries the host's types in order; the first to reach `welcome` wins. */
  async #connect(host: Host): Promise<Omit<Live, 'since'> | undefined> {
    for (const type of host.types) {
      const live = await this.#attemptType(host, type);
      if (live || this.#closed) return live;
    }
    return undefined;
  }

  async #attemptType(host: Host, type: TransportType): Promise<Omit<Live, 'since'> | undefined> {
    const { clock, transport } = this.#world;
    const info: AttemptInfo = { host: host.host, index: host.index, type };
    this.#attempt = info;
    this.#setStatus('connecting');
    this.#handlers.event('connect', info);

    const abandon = new AbortController();
    const onClose = () => abandon.abort(new Error('closed'));
    this.#closing.signal.addEventListener('abort', onClose);
    const timer = clock.setTimeout(
      () => abandon.abort(new Error(`connect timeout after ${this.#settings.connectTimeout} ms`)),
      this.#settings.connectTimeout,
    );
    let end!: (reason: string) => void;
    const ended = new Promise<string>((resolve) => (end = resolve));
    let current = true;
    const opening = transport(
      { url: host.url, type, signal: abandon.signal, clock },
      {
        frame: (frame) => {
          if (!current) return;
          // The host asks us to go: it rests for its failure expiry. (A drain before welcome fails the attempt in the link.)
          if (frame.op === 'drain') this.drop('drain', true);
          else this.#handlers.frame(frame);
        },
        protocolError: (what, reason) => current && this.#handlers.protocolError(what, reason),
        closed: (reason) => current && end(reason),
      },
    );
    // A transport that ignores the signal is still abandoned, and closed if it answers late.
    const abandoned = new Promise<never>((_, reject) => {
      abandon.signal.addEventListener('abort', () => reject(abandon.signal.reason), { once: true });
    });
    try {
      const connection = await Promise.race([opening, abandoned]);
      return {
        host,
        type,
        connection,
        ended,
        end: (reason) => {
          current = false;
          end(reason);
        },
      };
    } catch (error) {
      current = false;
      opening.then(
        (late) => late.close(),
        () => undefined,
      );
      if (!this.#closed)
        this.#handlers.event('connectFailed', {
          ...info,
          reason: messageOf(error),
        });
      return undefined;
    } finally {
      clock.clearTimeout(timer);
      this.#closing.signal.removeEventListener('abort', onClose);
      this.#attempt = undefined;
    }
  }

  /** reconnectDelay for the first failed round, then a doubling ceiling, jittered, up to maxReconnectDelay. */
  #delayAfter(rounds: number): number {
    if (rounds >= this.#settings.connectCount) return this.#settings.maxReconnectDelay;
    return backoff(rounds, this.#settings, this.#world.random);
  }

  /** Waits between rounds; reconnect() or close() cut it short. */
  async #wait(ms: number): Promise<void> {
    if (ms <= 0 || this.#closed) return;
    this.#wake = new AbortController();
    const cut = AbortSignal.any([this.#wake.signal, this.#closing.signal]);
    this.#nextRound = this.#world.clock.now() + ms;
    this.#setStatus('waiting');
    await sleep(this.#world.clock, ms, cut);
    this.#nextRound = undefined;
  }

  #setStatus(status: FailoverStatus): void {
    if (this.#status === 'closed') return;
    this.#status = status;
    this.#publishState();
  }

  #publishState(): void {
    this.#handlers.event('state', this.state);
  }
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

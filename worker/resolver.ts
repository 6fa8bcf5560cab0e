// The URL resolver (Flowplayer's cluster plugin): resolve() on the stream's hosts, and the plan and reports of board.fetch.

import { type Host, hostAt, type Settings } from '../shared/config.ts';
import { SwitchboardError } from '../shared/errors.ts';
import { onHost } from '../shared/paths.ts';
import type { BrokerEvents, FailoverEvents } from '../shared/state.ts';
import type { RequestPlan } from '../shared/tab-api.ts';
import type { FailoverWorld } from './failover.ts';

/** The streaming connection as the resolver sees it: the broker's config, hosts and failover loop. */
export interface Stream {
  settings(): Settings;
  /** The connected host, if any. */
  connected(): Host | undefined;
  /** The hosts in try order. */
  plan(): Host[];
  /** Starts the failover loop towards a host; a loop that has failed gets a fresh set of rounds. */
  reach(): void;
}

/** The broker's events a resolver reports: a page's request attempts. */
type Emit = <K extends 'connect' | 'connectFailed'>(name: K, detail: BrokerEvents[K]) => void;

export class UrlResolver {
  /** resolve() calls waiting for the loop to reach a host. */
  readonly #waiting: { reached(host: Host): void; failed(error: Error): void }[] = [];

  readonly #world: Pick<FailoverWorld, 'clock' | 'expiries'>;
  readonly #stream: Stream;
  readonly #emit: Emit;

  constructor(world: Pick<FailoverWorld, 'clock' | 'expiries'>, stream: Stream, emit: Emit) {
    this.#world = world;
    this.#stream = stream;
    this.#emit = emit;
  }

  /** Whether a resolve() waits for a host: the stream must keep reaching for one. */
  get waiting(): boolean {
    return this.#waiting.length > 0;
  }

  /** `path` on the connected host; when none is, on the first the loop reaches within connectCount rounds. */
  async resolve(path: string): Promise<string> {
    onHost('http://host', path, 'resolve');
    const host =
      this.#stream.connected() ??
      (await new Promise<Host>((reached, failed) => {
        this.#waiting.push({ reached, failed });
        this.#stream.reach();
      }));
    return onHost(host.url, path, 'resolve');
  }

  /** The hosts a page's request should try, in order, and how (board.fetch runs in the page). */
  async plan(): Promise<RequestPlan> {
    const settings = this.#stream.settings();
    const now = this.#world.clock.now();
    const known = await this.#world.expiries.all();
    const connected = this.#stream.connected();
    const plan = this.#stream.plan().filter((host) => host !== connected);
    const order = connected ? [connected, ...plan] : plan;
    const rests = (host: Host) => (known.get(host.url) ?? 0) > now;
    return {
      hosts: order.filter((host) => !rests(host)).map(({ host, index, url }) => ({ host, index, url })),
      resting: order.filter(rests).map(({ host, url }) => ({ host, until: known.get(url)! })),
      connectTimeout: settings.connectTimeout,
      retryStatuses: settings.retryStatuses,
    };
  }

  /** A page's request begins on a host: reported as a connection attempt would be. */
  attempt(index: number): void {
    const { host } = hostAt(this.#stream.settings(), index, 'requestAttempt');
    this.#emit('connect', { host, index, type: 'http', request: true });
  }

  /**
   * A page's request failed on a host: it gets its failure expiry, which the streaming loop honours too.
   * Resolves once the expiry is written.
   */
  failed(index: number, reason: string): Promise<void> {
    const settings = this.#stream.settings();
    const { host, url } = hostAt(settings, index, 'requestFailed');
    const written = this.#world.expiries.fail(url, this.#world.clock.now() + settings.failureExpiry);
    this.#emit('connectFailed', { host, index, type: 'http', reason, request: true });
    return written;
  }

  /** The stream's events: a connection answers the waiting resolves; connectCount failed rounds refuse them. */
  hear(name: keyof FailoverEvents): void {
    if (name === 'connected') {
      const host = this.#stream.connected()!;
      for (const waiter of this.#waiting.splice(0)) waiter.reached(host);
    } else if (name === 'failed') {
      const { hosts, connectCount } = this.#stream.settings();
      const tried = hosts.map((h) => h.host).join(', ');
      const error = new SwitchboardError(
        'unavailable',
        `resolve: no host answered in ${connectCount} rounds (tried ${tried})`,
      );
      for (const waiter of this.#waiting.splice(0)) waiter.failed(error);
    }
  }

  close(): void {
    const error = new SwitchboardError('closed', 'resolve: Switchboard closed before a host answered');
    for (const waiter of this.#waiting.splice(0)) waiter.failed(error);
  }
}

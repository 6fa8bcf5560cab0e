// The sessions of the tabs attached to one worker: attach with version and config checks, liveness by Web Locks, events to every tab.

import { parseConfig } from '../shared/config.ts';
import { ConfigError, SwitchboardError } from '../shared/errors.ts';
import type { BoardState, BrokerEvents, BrokerState, TabMessage } from '../shared/state.ts';
import type { AttachAnswer, AttachRequest } from '../shared/tab-api.ts';
import { VERSION } from '../shared/version.ts';
import { Broker, type BrokerWorld } from './broker.ts';
import type { Subscriber } from './topics.ts';

/** A tab's session, as the registry sees it. */
export interface AttachedTab extends Subscriber {
  post(message: TabMessage): void;
  closePort(): void;
}

/** What the worker entry gives the tabs: how to build the broker's world once the first tab names its store. */
export interface WorkerWorld {
  mode: BoardState['mode'];
  world(store: string, warn: (message: string) => void): BrokerWorld;
  locks: LockManager;
}

export class TabSessions {
  #current?: { broker: Broker; config: string };
  readonly #attached = new Set<AttachedTab>();
  readonly #workerLock = `switchboard-worker:${crypto.randomUUID()}`;
  /** Resolves once the worker holds its lock, which it keeps for its whole life. */
  readonly #holding: Promise<void>;

  readonly #host: WorkerWorld;

  constructor(host: WorkerWorld) {
    this.#host = host;

    this.#holding = new Promise((held) => {
      void host.locks.request(this.#workerLock, () => {
        held();
        return new Promise<never>(() => undefined);
      });
    });
  }

  get broker(): Broker {
    if (!this.#current) throw new Error('Switchboard: attach first');
    return this.#current.broker;
  }

  async attach(tab: AttachedTab, request: AttachRequest<unknown>): Promise<AttachAnswer> {
    if (request.version !== VERSION) {
      throw new SwitchboardError(
        'version',
        `Switchboard versions differ: the page is ${request.version}, the worker is ${VERSION}; give this build its own worker name`,
      );
    }
    const settings = parseConfig(request.config);
    const config = canonical(request.config);
    if (!this.#current) {
      const world = this.#host.world(request.store ?? 'switchboard', (reason) =>
        this.#broadcast('error', { what: 'storage', reason }),
      );
      this.#current = { broker: new Broker(settings, world, (name, detail) => this.#broadcast(name, detail)), config };
    } else if (this.#current.config !== config) {
      if (!request.reconfigure) {
        throw new ConfigError(
          'config',
          'differs from the one the running Switchboard worker uses for other tabs; pass reconfigure: true to connect() to replace it',
        );
      }
      this.#current.config = config;
      this.#current.broker.reconfigure(settings);
    }
    this.#attached.add(tab);
    // The tab's lock is granted to us only once the tab is gone: closed, crashed or navigated away.
    void this.#host.locks.request(request.tabLock, () => this.detach(tab));
    await this.#holding;
    this.#broadcast('state', this.#current.broker.state());
    return { workerLock: this.#workerLock, mode: this.#host.mode };
  }

  detach(tab: AttachedTab): void {
    if (!this.#attached.delete(tab)) return;
    this.#current?.broker.release(tab);
    tab.closePort();
    if (this.#current) this.#broadcast('state', this.#current.broker.state());
  }

  state(): BoardState {
    return this.#board(this.broker.state());
  }

  #board(state: BrokerState): BoardState {
    return { ...state, mode: this.#host.mode, tabs: this.#attached.size };
  }

  #broadcast<K extends keyof BrokerEvents>(name: K, detail: BrokerEvents[K]): void {
    const message = { event: name, detail: name === 'state' ? this.#board(detail as BrokerState) : detail };
    for (const tab of this.#attached) tab.post(message);
  }
}

/** JSON with sorted keys, so two tabs with the same config in another key order agree. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

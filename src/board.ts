// The public contract of a page: connect()'s options, the Board, its events and its state.

import type { SwitchboardConfig } from '../shared/config.ts';
import type { BoardEvent, BoardEvents, BoardState } from '../shared/state.ts';

export interface ConnectOptions {
  config: SwitchboardConfig;
  /** The built worker script; default: switchboard-worker.js beside the page entry. */
  worker?: string | URL;
  /** SharedWorker name; default 'switchboard@{version}', so a new deployment starts its own worker. */
  name?: string;
  /** IndexedDB store for host failure expiries; default 'switchboard'. */
  store?: string;
  /** Replace the config of a worker that other tabs started with another one. */
  reconfigure?: boolean;
  /** Flowplayer's callbacks, another way to write board.on('connect' | 'connectFailed' | 'failed'). */
  onConnect?(host: string, index: number): void;
  onConnectFailed?(host: string, index: number): void;
  onFailed?(): void;
}

/** fetch()'s options: RequestInit, and whether a request that is not idempotent may go to a second host. */
export interface FetchInit extends RequestInit {
  retry?: boolean;
}

export interface MessageInfo {
  topic: string;
  seq: number;
}

export interface Board {
  /** Resolves once a host has confirmed the topic (rejects when one refuses it for good); the returned function unsubscribes. */
  subscribe(topic: string, onMessage: (data: unknown, info: MessageInfo) => void): Promise<() => Promise<void>>;
  /** Resolves on the server's ack, published once even across failovers and worker restarts. */
  send(topic: string, data: unknown): Promise<void>;
  state(): Promise<BoardState>;
  /** Listens to an event of the worker; returns the function that stops listening. */
  on<E extends BoardEvent>(event: E, listener: (detail: BoardEvents[E]) => void): () => void;
  setLoadBalancing(value: boolean): Promise<void>;
  reconnect(): Promise<void>;
  /** Forgets a host's failure expiry (by its index in the config), so the next round tries it. */
  clearExpiry(index: number): Promise<void>;
  /** `path` on the connected host; when none is, on the first the failover loop reaches (Flowplayer's URL resolver). */
  resolve(path: string): Promise<string>;
  /** A request tried on the hosts in failover order, each bounded by connectTimeout, sharing the hosts' failure expiries. */
  fetch(path: string, init?: FetchInit): Promise<Response>;
  /** This tab only: its topics are released; other tabs keep the connection. */
  close(): void;
}

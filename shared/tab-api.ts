// The calls a tab makes on the worker over Comlink: attaching, topics, sends, state, and fetch-through's requests.

import type { BoardState } from './state.ts';

/** `Port` is the MessagePort of the page and the worker; plain ES has no name for it. */
export interface AttachRequest<Port = unknown> {
  version: string;
  config: unknown;
  reconfigure?: boolean;
  /** IndexedDB store for host failure expiries; default 'switchboard'. */
  store?: string;
  /** A Web Lock the tab holds while it lives: granted to the worker once the tab is gone. */
  tabLock: string;
  /** Where the worker posts this tab's message batches and events; nothing on it is answered. */
  port: Port;
}

export interface AttachAnswer {
  /** A Web Lock the worker holds while it lives: granted to the tab once the worker is gone. */
  workerLock: string;
  mode: BoardState['mode'];
}

/** What a page needs to run a request through the cluster (board.fetch). */
export interface RequestPlan {
  /** Hosts to try in order: the connected one first, then the plan, without those within their failure expiry. */
  hosts: { host: string; index: number; url: string }[];
  /** Hosts left out for their failure expiry, and until when (epoch ms). */
  resting: { host: string; until: number }[];
  connectTimeout: number;
  retryStatuses: number[];
}

/** The worker's side of one tab: every call a page may make, and nothing else. */
export interface TabApi<Port = unknown> {
  attach(request: AttachRequest<Port>): Promise<AttachAnswer>;
  /**
   * Resolves once a host has confirmed the topic, with the epoch of its history (when the host names one); rejects
   * when a host refuses it for good. `from` is the last seq this tab saw and `epoch` the history it counted in, when
   * it resumes (a new worker, the back/forward cache): a tab from another history is told of a reset.
   */
  subscribe(topic: string, from?: number, epoch?: string): Promise<string | undefined>;
  unsubscribe(topic: string): void;
  /** Resolves on the server's ack; a send retried with the same id is published once. */
  send(topic: string, data: unknown, id: string): Promise<void>;
  state(): BoardState;
  reconnect(): void;
  resolve(path: string): Promise<string>;
  requestPlan(): Promise<RequestPlan>;
  requestAttempt(index: number): void;
  requestFailed(index: number, reason: string): void;
  setLoadBalancing(on: boolean): void;
  clearExpiry(index: number): Promise<void>;
  /** The tab says goodbye (pagehide, close()): its topics are released at once. */
  close(): void;
}

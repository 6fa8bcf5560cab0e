// One tab as the worker sees it: the commands it calls over Comlink, and its port for messages and events.

import type { BoardEvent, BoardState } from './board.ts';
import type { RequestPlan } from './broker.ts';
import type { Delivery, Gap, Subscriber } from './topics.ts';
import type { Tabs } from './tabs.ts';

export interface AttachRequest {
  version: string;
  config: unknown;
  reconfigure?: boolean;
  /** IndexedDB store for host failure expiries; default 'switchboard'. */
  store?: string;
  /** A Web Lock the tab holds while it lives: granted to the worker once the tab is gone. */
  tabLock: string;
  /** Where the worker posts this tab's message batches and events; nothing on it is answered. */
  port: MessagePort;
}

export interface AttachAnswer {
  /** A Web Lock the worker holds while it lives: granted to the tab once the worker is gone. */
  workerLock: string;
  mode: BoardState['mode'];
}

/** What the worker posts on a tab's port: a batch of messages, or one event. */
export type TabMessage = Delivery[] | { event: BoardEvent; detail: unknown };

export class Tab implements Subscriber {
  private port?: MessagePort;

  constructor(private readonly tabs: Tabs) {}

  attach(request: AttachRequest): Promise<AttachAnswer> {
    this.port = request.port;
    return this.tabs.attach(this, request);
  }

  subscribe(topic: string, from?: number): number {
    return this.tabs.broker.subscribe(this, topic, from);
  }

  unsubscribe(topic: string): void {
    this.tabs.broker.unsubscribe(this, topic);
  }

  send(topic: string, data: unknown, id: string): Promise<void> {
    return this.tabs.broker.send(topic, data, id);
  }

  state(): BoardState {
    return this.tabs.state();
  }

  reconnect(): void {
    this.tabs.broker.reconnect();
  }

  resolve(path: string): Promise<string> {
    return this.tabs.broker.resolve(path);
  }

  requestPlan(): Promise<RequestPlan> {
    return this.tabs.broker.requestPlan();
  }

  requestAttempt(index: number): void {
    this.tabs.broker.requestAttempt(index);
  }

  requestFailed(index: number, reason: string): void {
    this.tabs.broker.requestFailed(index, reason);
  }

  setLoadBalancing(on: boolean): void {
    this.tabs.broker.setLoadBalancing(on);
  }

  clearExpiry(index: number): Promise<void> {
    return this.tabs.broker.clearExpiry(index);
  }

  /** The tab says goodbye (pagehide, close()): its topics are released at once. */
  close(): void {
    this.tabs.detach(this);
  }

  /** Called once the tab is gone, by goodbye or by its lock. */
  closePort(): void {
    this.port?.close();
    this.port = undefined;
  }

  post(message: TabMessage): void {
    this.port?.postMessage(message);
  }

  deliver(batch: Delivery[]): void {
    this.post(batch);
  }

  gap(gap: Gap): void {
    this.post({ event: 'gap', detail: gap });
  }
}

// One tab's session in the worker: the calls its page makes over Comlink, and its port for messages and events.

import type { Delivery, Gap, Reset, TabMessage } from '../shared/state.ts';
import type { AttachAnswer, AttachRequest, RequestPlan, TabApi } from '../shared/tab-api.ts';
import type { AttachedTab, TabSessions } from './tab-sessions.ts';

/** Exposed to the page: only these methods; the sessions and the broker sit in private fields. */
export class TabSession implements TabApi<MessagePort>, AttachedTab {
  readonly #sessions: TabSessions;
  #port?: MessagePort;

  constructor(sessions: TabSessions) {
    this.#sessions = sessions;
  }

  attach(request: AttachRequest<MessagePort>): Promise<AttachAnswer> {
    this.#port = request.port;
    return this.#sessions.attach(this, request);
  }

  subscribe(topic: string, from?: number, epoch?: string): Promise<string | undefined> {
    return this.#sessions.broker.subscribe(this, topic, from, epoch);
  }

  unsubscribe(topic: string): void {
    this.#sessions.broker.unsubscribe(this, topic);
  }

  send(topic: string, data: unknown, id: string): Promise<void> {
    return this.#sessions.broker.send(topic, data, id);
  }

  state() {
    return this.#sessions.state();
  }

  reconnect(): void {
    this.#sessions.broker.reconnect();
  }

  resolve(path: string): Promise<string> {
    return this.#sessions.broker.resolve(path);
  }

  requestPlan(): Promise<RequestPlan> {
    return this.#sessions.broker.requestPlan();
  }

  requestAttempt(index: number): void {
    this.#sessions.broker.requestAttempt(index);
  }

  requestFailed(index: number, reason: string): void {
    this.#sessions.broker.requestFailed(index, reason);
  }

  setLoadBalancing(on: boolean): void {
    this.#sessions.broker.setLoadBalancing(on);
  }

  clearExpiry(index: number): Promise<void> {
    return this.#sessions.broker.clearExpiry(index);
  }

  close(): void {
    this.#sessions.detach(this);
  }

  /** Called once the tab is gone, by goodbye or by its lock. */
  closePort(): void {
    this.#port?.close();
    this.#port = undefined;
  }

  post(message: TabMessage): void {
    this.#port?.postMessage(message);
  }

  deliver(batch: Delivery[]): void {
    this.post(batch);
  }

  gap(gap: Gap): void {
    this.post({ event: 'gap', detail: gap });
  }

  reset(reset: Reset): void {
    this.post({ event: 'reset', detail: reset });
  }
}

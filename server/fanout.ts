// Which clients of a host subscribe to each topic, and delivery of each message to them.

import { encode } from '../shared/protocol.ts';
import type { Message } from './backplane.ts';
import type { Client } from './client.ts';

/**
 * A message's `msg` frame, or undefined when its data cannot be encoded (nested too deep for the call stack,
 * stored by a host that did not check it). Such a message is skipped: one message, never the connection.
 */
export function msgText(message: Message): string | undefined {
  try {
    return encode({ op: 'msg', topic: message.topic, seq: message.seq, data: message.data });
  } catch {
    return undefined;
  }
}

export class Fanout {
  readonly #subscribers = new Map<string, Set<Client>>();

  add(topic: string, client: Client): void {
    let clients = this.#subscribers.get(topic);
    if (!clients) {
      clients = new Set();
      this.#subscribers.set(topic, clients);
    }
    clients.add(client);
  }

  remove(topic: string, client: Client): void {
    const clients = this.#subscribers.get(topic);
    if (clients?.delete(client) && clients.size === 0) this.#subscribers.delete(topic);
  }

  deliver(message: Message): void {
    const clients = this.#subscribers.get(message.topic);
    if (!clients) return;
    const text = msgText(message);
    if (text === undefined) return;
    for (const client of clients) client.deliver(message, text);
  }

  /** Subscribers per topic. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#subscribers].map(([topic, clients]) => [topic, clients.size]));
  }
}

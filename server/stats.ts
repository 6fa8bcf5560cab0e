// What a host counts as traffic flows, for /metrics: messages heard and written, pubs acked and nacked by code.

import type { NackCode, TransportType } from '../shared/protocol.ts';

export class HostStats {
  /** Messages heard from the backplane (published through any host of the cluster). */
  messagesIn = 0;
  /** `msg` frames written to clients, by connection type. */
  readonly messagesOut: Record<TransportType, number> = { ws: 0, http: 0, poll: 0 };
  /** Pubs of this host's clients that were published (or were duplicates) and acked. */
  pubsAcked = 0;
  /** Pubs of this host's clients that were nacked, by nack code. */
  readonly pubsNacked = new Map<NackCode, number>();

  nacked(code: NackCode): void {
    this.pubsNacked.set(code, (this.pubsNacked.get(code) ?? 0) + 1);
  }
}

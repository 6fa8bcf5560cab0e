// A ConnectionListener that keeps what it is told, for transport tests to await.

import { realClock } from '../../shared/clock.ts';
import type { ServerFrame, TransportType } from '../../shared/protocol.ts';
import type { Connection, ConnectionListener } from '../../worker/transport.ts';
import { transports } from '../../worker/transports/index.ts';
import { Inbox } from './inbox.ts';

/** An Inbox of the frames a connection delivers, with what else it is told. */
export class Recorder extends Inbox implements ConnectionListener {
  readonly protocolErrors: { what: string; reason: string }[] = [];
  readonly closedWith: string[] = [];
  /** Resolves with the reason given to closed(). */
  readonly ended: Promise<string>;
  #onClosed!: (reason: string) => void;

  constructor() {
    super();
    this.ended = new Promise((resolve) => (this.#onClosed = resolve));
  }

  frame(frame: ServerFrame): void {
    this.push(frame);
  }

  closed(reason: string): void {
    this.closedWith.push(reason);
    this.#onClosed(reason);
  }

  protocolError(what: string, reason: string): void {
    this.protocolErrors.push({ what, reason });
  }
}

/** Opens one connection of `type` to `url` with a new Recorder. */
export async function open(
  type: TransportType,
  url: string,
  signal = new AbortController().signal,
): Promise<{ connection: Connection; recorder: Recorder }> {
  const recorder = new Recorder();
  const connection = await transports[type]({ url, type, signal, clock: realClock }, recorder);
  return { connection, recorder };
}

// The contract between the failover loop and one connection of one type to one host.

import type { Clock } from '../shared/clock.ts';
import type { ClientFrame, ServerFrame, TransportType, WelcomeFrame } from '../shared/protocol.ts';

export interface ConnectRequest {
  /** The host's base URL, normalised to http: or https:, without a trailing slash. */
  url: string;
  type: TransportType;
  /** Aborted at connectTimeout or when the loop closes: the transport drops everything it opened. */
  signal: AbortSignal;
  /** The loop's clock: the connection's heartbeat and ping times run on it. */
  clock: Clock;
}

export interface ConnectionListener {
  /** A valid frame from the server, `welcome` excepted. */
  frame(frame: ServerFrame): void;
  /** The connection ended after `welcome`; called once, never after close(). */
  closed(reason: string): void;
  /** A frame that could not be used: `what` is its op, or its first 200 characters. */
  protocolError(what: string, reason: string): void;
}

/** An open connection: it has received `welcome`. */
export interface Connection {
  readonly welcome: WelcomeFrame;
  send(frame: ClientFrame): void;
  /** Closes without calling listener.closed. */
  close(): void;
}

/**
 * Opens one connection. Resolves once `welcome` arrives; rejects with an Error whose
 * message is the reason (refused, HTTP 404, timeout, aborted...).
 */
export type Transport = (request: ConnectRequest, listener: ConnectionListener) => Promise<Connection>;

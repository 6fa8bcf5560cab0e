// One connection's life, whatever carries its frames: hello, welcome, heartbeat, and ending once.

import { messageOf } from '../../shared/errors.ts';
import { type ClientFrame, type Decoded, PROTOCOL_VERSION, type ServerFrame } from '../../shared/protocol.ts';
import type { Connection, ConnectionListener, ConnectRequest } from '../transport.ts';
import { type Heartbeat, startHeartbeat } from './heartbeat.ts';

/** What a carrier (WebSocket, HTTP stream, long poll) reports to its connection. */
export interface Link {
  /** A frame arrived, decoded or not. */
  receive(result: Decoded<ServerFrame>): void;
  /** Something that is not a frame arrived (a keep-alive, an empty poll). */
  alive(): void;
  /** The carrier broke: the connection ends with this reason. */
  lost(reason: string): void;
  /** Aborted when the connection ends for any reason: carriers drop what they opened. */
  readonly signal: AbortSignal;
}

/** Starts a carrier on `link` and returns how to send a frame on it (frames may be queued until it is ready). */
export type Carry = (link: Link) => (frame: ClientFrame) => void;

/** Sends hello over the carrier and resolves on welcome, as Transport promises. */
export function establish(request: ConnectRequest, listener: ConnectionListener, carry: Carry): Promise<Connection> {
  return new Promise((resolve, reject) => {
    if (request.signal.aborted) return reject(new Error(abortReason(request.signal)));
    const ended = new AbortController();
    let connection: Connection | undefined;
    let heartbeat: Heartbeat | undefined;
    // A server that ends a connection on purpose says why in an `error` frame just before.
    let lastError = '';

    const end = (): boolean => {
      if (ended.signal.aborted) return false;
      heartbeat?.stop();
      ended.abort();
      request.signal.removeEventListener('abort', onAbort);
      return true;
    };
    const finish = (reason: string): void => {
      if (!end()) return;
      if (connection) listener.closed(reason);
      else reject(new Error(reason));
    };
    const onAbort = (): void => {
      if (end() && !connection) reject(new Error(abortReason(request.signal)));
    };
    request.signal.addEventListener('abort', onAbort);

    const link: Link = {
      signal: ended.signal,
      alive: () => heartbeat?.alive(),
      lost: (reason) => finish(lastError || reason),
      receive(result) {
        if (ended.signal.aborted) return;
        heartbeat?.alive();
        if (result.error) {
          const { what, reason } = result.error;
          // A welcome we cannot use (a heartbeat out of bounds, say) means this host cannot be used: the loop moves on.
          if (!connection && what === 'welcome') return finish(`welcome: ${reason}`);
          return listener.protocolError(what, reason);
        }
        const frame = result.frame;
        lastError = frame.op === 'error' ? frame.message : '';
        if (connection) {
          if (frame.op === 'welcome') return listener.protocolError('welcome', 'arrived twice');
          return listener.frame(frame);
        }
        if (frame.op === 'error') return finish(`${frame.code}: ${frame.message}`);
        // A host draining as we connect is going away: this attempt fails, the loop moves on.
        if (frame.op === 'drain') return finish('drain: the host is going away');
        if (frame.op !== 'welcome') return listener.protocolError(frame.op, 'arrived before welcome');
        if (frame.v !== PROTOCOL_VERSION) {
          return finish(`the host speaks protocol version ${frame.v}, not ${PROTOCOL_VERSION}`);
        }
        heartbeat = startHeartbeat(
          request.clock,
          frame.heartbeat,
          () => send({ op: 'ping', t: request.clock.now() }),
          () => finish('heartbeat timeout'),
        );
        connection = {
          welcome: frame,
          send: (f) => {
            if (!ended.signal.aborted) send(f);
          },
          close: () => void end(),
        };
        resolve(connection);
      },
    };
    const send = carry(link);
    send({ op: 'hello', v: PROTOCOL_VERSION });
  });
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return messageOf(reason ?? 'aborted');
}

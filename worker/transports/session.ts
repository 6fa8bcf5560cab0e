// The HTTP session that `http` and `poll` share: POST /session, then frames up in batched POST /send.

import { messageOf } from '../../shared/errors.ts';
import { type ClientFrame, encode } from '../../shared/protocol.ts';
import type { ConnectRequest } from '../transport.ts';
import type { Link } from './link.ts';

/** Builds a URL on the session, such as /stream?session=ID. */
export type SessionUrl = (path: string) => string;

/** Frames in one /send stay under this, so a long queue goes up in several requests. */
const BATCH_CHARS = 256 * 1024;

/**
 * Opens a session, runs `downstream` (the loop that reads frames from the host) on it,
 * and returns how to send frames; any error thrown ends the connection with its message.
 */
export function carrySession(
  request: ConnectRequest,
  link: Link,
  downstream: (url: SessionUrl) => Promise<void>,
): (frame: ClientFrame) => void {
  let url: SessionUrl | undefined;
  let queue: string[] = [];
  let sending = false;
  const lost = (error: unknown) => link.lost(messageOf(error));

  // One /send at a time keeps frames in order.
  const flush = async (): Promise<void> => {
    if (sending || !url || queue.length === 0) return;
    let size = 0;
    let count = 0;
    while (count < queue.length && (count === 0 || size + queue[count]!.length < BATCH_CHARS))
      size += queue[count++]!.length;
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    sending = true;
    const init = {
      method: 'POST',
      body: `[${batch.join(',')}]`,
      headers: { 'content-type': 'text/plain' },
      signal: link.signal,
    };
    // 413: the host refused a frame as too large and says so in an `error` frame on the session.
    await call(url('/send'), init, '/send', [413]);
    sending = false;
    await flush();
  };

  void (async () => {
    const response = await call(`${request.url}/session`, { method: 'POST', signal: link.signal }, '/session');
    const body: unknown = await response.json().catch(() => undefined);
    const id = (body as { session?: unknown } | undefined)?.session;
    if (typeof id !== 'string') throw new Error('/session answered without a session id');
    url = (path) => `${request.url}${path}?session=${encodeURIComponent(id)}`;
    flush().catch(lost);
    await downstream(url);
  })().catch(lost);

  return (frame) => {
    queue.push(encode(frame));
    flush().catch(lost);
  };
}

/** fetch, with every failure as an Error that says where and why (a host's 404 says "unknown session"). */
export async function call(url: string, init: RequestInit, path: string, accept: number[] = []): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new Error(`${path} failed: ${messageOf(error)}`);
  }
  if (response.ok || accept.includes(response.status)) return response;
  const why = (await response.text().catch(() => '')).slice(0, 200);
  throw new Error(`HTTP ${response.status} on ${path}${why ? `: ${why}` : ''}`);
}

// The `ws` connection type: a WebSocket to {base}/ws, one frame per text message.

import { type ClientFrame, decode, encode } from '../../shared/protocol.ts';
import type { Transport } from '../transport.ts';
import { establish, type Link } from './link.ts';

export const ws: Transport = (request, listener) =>
  establish(request, listener, (link) => {
    const socket = new WebSocket(`${request.url.replace(/^http/, 'ws')}/ws`);
    // Frames sent before the socket opens (hello) wait here.
    let waiting: ClientFrame[] | undefined = [];
    const inbox = startInbox(link);
    socket.onopen = () => {
      for (const frame of waiting ?? []) socket.send(encode(frame));
      waiting = undefined;
    };
    socket.onmessage = (event: MessageEvent) => inbox.add(event.data);
    socket.onclose = (event: CloseEvent) => {
      // Frames still in the inbox come first: the last one may be the `error` that says why.
      inbox.drain();
      link.lost(event.reason || (waiting ? `WebSocket refused (${event.code})` : `WebSocket closed (${event.code})`));
    };
    link.signal.addEventListener('abort', () => {
      socket.close();
      inbox.close();
    });
    return (frame) => {
      if (waiting) waiting.push(frame);
      else if (socket.readyState === WebSocket.OPEN) socket.send(encode(frame));
    };
  });

/**
 * Every WebSocket message is a task of its own, so a microtask flush after each would post each message
 * to the tabs alone. The inbox takes the messages that queued up while the worker was busy and hands
 * them on together in one later task, so the tabs get one batch for all of them (bench/RESULTS.md, "Profile").
 */
function startInbox(link: Link): { add(data: unknown): void; drain(): void; close(): void } {
  let inbox: unknown[] = [];
  const wake = new MessageChannel();
  const drain = (): void => {
    const messages = inbox;
    inbox = [];
    for (const data of messages) {
      if (typeof data === 'string') link.receive(decode(data));
      else link.receive({ error: { what: 'binary message', reason: 'frames are text' } });
    }
  };
  wake.port1.onmessage = drain;
  return {
    add(data) {
      if (inbox.push(data) === 1) wake.port2.postMessage(null);
    },
    drain,
    close() {
      inbox = [];
      wake.port1.close();
    },
  };
}

// The `ws` connection type: a WebSocket to {base}/ws, one frame per text message.

import { decode, encode, type ClientFrame } from '../protocol.ts';
import type { Transport } from '../transport.ts';
import { establish } from './link.ts';

export const ws: Transport = (request, listener) =>
  establish(request, listener, (link) => {
    const socket = new WebSocket(`${request.url.replace(/^http/, 'ws')}/ws`);
    // Frames sent before the socket opens (hello) wait here.
    let waiting: ClientFrame[] | undefined = [];
    socket.onopen = () => {
      for (const frame of waiting ?? []) socket.send(encode(frame));
      waiting = undefined;
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') link.receive(decode(event.data));
      else link.receive({ error: { what: 'binary message', reason: 'frames are text' } });
    };
    socket.onclose = (event: CloseEvent) =>
      link.lost(event.reason || (waiting ? `WebSocket refused (${event.code})` : `WebSocket closed (${event.code})`));
    link.signal.addEventListener('abort', () => socket.close());
    return (frame) => {
      if (waiting) waiting.push(frame);
      else if (socket.readyState === WebSocket.OPEN) socket.send(encode(frame));
    };
  });

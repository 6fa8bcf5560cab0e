// The `http` connection type: HTTP streaming, frames down as `data:` lines of an event stream.

import { messageOf } from '../../shared/errors.ts';
import { decode } from '../../shared/protocol.ts';
import type { Transport } from '../transport.ts';
import { establish } from './link.ts';
import { call, carrySession } from './session.ts';

export const http: Transport = (request, listener) =>
  establish(request, listener, (link) =>
    carrySession(request, link, async (url) => {
      const response = await call(
        url('/stream'),
        { headers: { accept: 'text/event-stream' }, signal: link.signal },
        '/stream',
      );
      if (!response.body) throw new Error('/stream answered without a body');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let partial = '';
      for (;;) {
        const { value, done } = await reader.read().catch((error: unknown) => {
          throw new Error(`/stream failed: ${messageOf(error)}`);
        });
        if (done) throw new Error('the host ended the stream');
        // Any bytes, keep-alive comments included, show the host is alive.
        link.alive();
        const lines = (partial + value).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('data:'))
            link.receive(decode(line.slice(line.startsWith('data: ') ? 6 : 5).replace(/\r$/, '')));
        }
      }
    }),
  );

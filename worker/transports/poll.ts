// The `poll` connection type: long polling, each GET /poll answering a JSON array of frames.

import { parse, validateServerFrame } from '../../shared/protocol.ts';
import type { Transport } from '../transport.ts';
import { establish } from './link.ts';
import { call, carrySession } from './session.ts';

export const poll: Transport = (request, listener) =>
  establish(request, listener, (link) =>
    carrySession(request, link, async (url) => {
      while (!link.signal.aborted) {
        const response = await call(url('/poll'), { signal: link.signal }, '/poll');
        const parsed = parse(await response.text());
        link.alive();
        if (parsed.error) link.receive(parsed);
        else if (!Array.isArray(parsed.value))
          link.receive({ error: { what: '/poll', reason: 'a poll must answer an array of frames' } });
        else for (const frame of parsed.value) link.receive(validateServerFrame(frame));
      }
    }),
  );

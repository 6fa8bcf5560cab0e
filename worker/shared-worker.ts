// The worker entry: one broker for every tab that connects, as a SharedWorker or, where there is none, a dedicated Worker.

import { expose, transferHandlers } from 'comlink';
import { realClock } from '../shared/clock.ts';
import { sendErrors } from '../shared/errors.ts';
import { idbExpiryStore } from './expiry.ts';
import { guardedPort } from './guarded-port.ts';
import { TabSession } from './tab-session.ts';
import { TabSessions } from './tab-sessions.ts';
import { transports } from './transports/index.ts';

declare const self: (SharedWorkerGlobalScope | DedicatedWorkerGlobalScope) & typeof globalThis;

const shared = 'onconnect' in self;

// An error thrown to a page keeps its code and path (shared/errors.ts).
sendErrors(transferHandlers);

const sessions = new TabSessions({
  mode: shared ? 'shared' : 'dedicated',
  locks: navigator.locks,
  world: (store, warn) => ({
    clock: realClock,
    random: Math.random,
    transport: (request, listener) => transports[request.type](request, listener),
    expiries: idbExpiryStore(store, warn, realClock),
    online: (listener) => {
      self.addEventListener('online', listener);
      return () => self.removeEventListener('online', listener);
    },
    schedule: (flush) => queueMicrotask(flush),
  }),
});

// Each port reaches its session's TabApi calls and nothing else: any same-origin script may open one.
if (shared) {
  (self as SharedWorkerGlobalScope).onconnect = (event) => {
    const port = event.ports[0];
    if (port) expose(new TabSession(sessions), guardedPort(port));
  };
} else {
  expose(new TabSession(sessions), guardedPort(self as DedicatedWorkerGlobalScope));
}

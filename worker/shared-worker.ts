// The worker entry: one broker for every tab that connects, as a SharedWorker or, where there is none, a dedicated Worker.

import { expose } from 'comlink';
import { realClock } from '../src/clock.ts';
import { idbExpiryStore } from '../src/expiry.ts';
import { Tab } from '../src/tab.ts';
import { Tabs } from '../src/tabs.ts';
import { transports } from '../src/transports/index.ts';

declare const self: (SharedWorkerGlobalScope | DedicatedWorkerGlobalScope) & typeof globalThis;

const shared = 'onconnect' in self;

const tabs = new Tabs({
  mode: shared ? 'shared' : 'dedicated',
  locks: navigator.locks,
  world: (store, warn) => ({
    clock: realClock,
    random: Math.random,
    transport: (request, listener) => transports[request.type](request, listener),
    expiries: idbExpiryStore(store, warn),
    online: (listener) => {
      self.addEventListener('online', listener);
      return () => self.removeEventListener('online', listener);
    },
    schedule: (flush) => queueMicrotask(flush),
  }),
});

if (shared) {
  (self as SharedWorkerGlobalScope).onconnect = (event) => {
    const port = event.ports[0];
    if (port) expose(new Tab(tabs), port);
  };
} else {
  expose(new Tab(tabs), self as DedicatedWorkerGlobalScope);
}

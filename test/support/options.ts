// connect() options for one test: its own worker name and IndexedDB store, so tests never share a worker.

import type { ConnectOptions, SwitchboardConfig } from '../../src/index.ts';

export function testOptions(config: SwitchboardConfig): ConnectOptions {
  const id = `test-${crypto.randomUUID()}`;
  return { config, worker: '/worker/shared-worker.ts', name: id, store: id };
}

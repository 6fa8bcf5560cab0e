// The Switchboard reference server: start a host in code with startServer(), or run `switchboard-server`.

import { Host, type ServerOptions } from './host.ts';

export { Host, type Counts, type HostState, type ServerOptions } from './host.ts';
export {
  MemoryBackplane,
  type Backplane,
  type BackplaneStatus,
  type MemoryBackplaneOptions,
  type Message,
  type Published,
  type Replay,
} from './backplane.ts';
export { RedisBackplane, type RedisBackplaneOptions } from './redis-backplane.ts';
export { controlHandler, startControl } from './control.ts';
export { startFeed, type FeedOptions } from './feed.ts';

/** Starts a host listening; several hosts given one backplane form a cluster. */
export async function startServer(options: ServerOptions = {}): Promise<Host> {
  const host = new Host(options);
  await host.listen();
  return host;
}

// The Switchboard reference server: start a host in code with startServer(), or run `switchboard-server`.

import { Host, type ServerOptions } from './host.ts';

export {
  type Backplane,
  type BackplaneStatus,
  MemoryBackplane,
  type MemoryBackplaneOptions,
  type Message,
  type Published,
  type Replay,
} from './backplane.ts';
export { controlHandler, startControl } from './control.ts';
export { type FeedOptions, startFeed } from './feed.ts';
export { type Counts, Host, type HostState, type ServerOptions } from './host.ts';
export { RedisBackplane, type RedisBackplaneOptions } from './redis-backplane.ts';

/** Starts a host listening; several hosts given one backplane form a cluster. */
export async function startServer(options: ServerOptions = {}): Promise<Host> {
  const host = new Host(options);
  await host.listen();
  return host;
}

// Node test helpers for the Redis backplane: a real redis-server and host processes on it, stopped when the test file ends.

import { after } from 'node:test';
import { type HostProcess, type HostProcessOptions, startHostProcess } from './redis-hosts.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

export interface RedisCluster {
  redis: RedisServer;
  hosts: HostProcess[];
}

/** Starts redis-server and `count` host processes (h0, h1, ...) on it. */
export async function startRedisCluster(
  count: number,
  options: Omit<HostProcessOptions, 'redis' | 'name'> = {},
): Promise<RedisCluster> {
  const redis = await startRedis();
  const hosts: HostProcess[] = [];
  after(async () => {
    await Promise.all(hosts.map((host) => host.kill('SIGTERM')));
    await redis.stop();
  });
  for (const started of await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startHostProcess({ redis: redis.url, name: `h${i}`, ...options })),
  )) {
    if (started.status === 'rejected') throw started.reason;
    hosts.push(started.value);
  }
  return { redis, hosts };
}

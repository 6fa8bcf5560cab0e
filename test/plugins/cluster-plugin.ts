// web-test-runner plugin: starts reference-server clusters on loopback for browser tests, and works their switches.

import { type Backplane, MemoryBackplane } from '../../server/backplane.ts';
import { startFeed } from '../../server/feed.ts';
import { Host } from '../../server/host.ts';
import { applyHostAction, isHostAction } from '../../server/host-actions.ts';
import { type HostProcess, startHostProcess } from '../server/redis-hosts.ts';
import { type RedisServer, startRedis } from '../server/redis-server.ts';
import {
  CHAOS_CONFIG,
  type ChaosConfig,
  type ClusterInfo,
  type ClusterOptions,
  CONTROL,
  type ControlRequest,
  FEED_START,
  FEED_STOP,
  type FeedRequest,
  KILL_PROCESS,
  PAUSE_REDIS,
  type ProcessClusterOptions,
  REDIS,
  RESET_HISTORY,
  type ResetHistoryRequest,
  START,
  START_PROCESSES,
  STOP,
} from './commands.ts';

/** The part of web-test-runner's TestRunnerPlugin this plugin fills in. */
export interface ClusterPlugin {
  name: string;
  executeCommand(args: { command: string; payload?: unknown }): Promise<unknown> | undefined;
  serverStop(): Promise<void>;
}

type HostRequest = { id: number; host: number };

export function clusterPlugin(): ClusterPlugin {
  const clusters = new Map<number, Host[]>();
  const clusterOptions = new Map<number, ClusterOptions>();
  const processClusters = new Map<number, { redis: RedisServer; hosts: HostProcess[] }>();
  /** A running feed: its topics, how to start it on another backplane, and how to stop it. */
  const feeds = new Map<number, { topics: string[]; start: (backplane: Backplane) => () => void; stop: () => void }>();
  let next = 1;

  async function start(options: ClusterOptions = {}): Promise<ClusterInfo> {
    const shared = emptyHistory(options);
    const hosts = Array.from(
      { length: options.hosts ?? 1 },
      (_, i) =>
        new Host({
          ...options,
          name: `h${i}`,
          backplane: options.ownHistory ? emptyHistory(options) : shared,
        }),
    );
    await Promise.all(hosts.map((host) => host.listen()));
    const id = next++;
    clusters.set(id, hosts);
    clusterOptions.set(id, options);
    return { id, hosts: hosts.map((host) => host.url), names: hosts.map((host) => host.name) };
  }

  async function startProcesses(options: ProcessClusterOptions = {}): Promise<ClusterInfo> {
    const redis = await startRedis();
    const id = next++;
    const cluster = { redis, hosts: [] as HostProcess[] };
    processClusters.set(id, cluster);
    const started = await Promise.allSettled(
      Array.from({ length: options.hosts ?? 2 }, (_, i) =>
        startHostProcess({ ...options, redis: redis.url, name: `h${i}` }),
      ),
    );
    for (const host of started) if (host.status === 'fulfilled') cluster.hosts.push(host.value);
    const failed = started.find((host) => host.status === 'rejected');
    if (failed) {
      await stop(id);
      throw failed.reason;
    }
    return { id, hosts: cluster.hosts.map((host) => host.url), names: cluster.hosts.map((host) => host.name) };
  }

  function processOf({ id, host }: HostRequest): HostProcess {
    const found = processClusters.get(id)?.hosts[host];
    if (!found) throw new Error(`process cluster ${id} has no host ${host}`);
    return found;
  }

  async function control(request: ControlRequest): Promise<unknown> {
    if (processClusters.has(request.id)) return controlProcess(processOf(request), request);
    const host = clusters.get(request.id)?.[request.host];
    if (!host) throw new Error(`cluster ${request.id} has no host ${request.host}`);
    if (isHostAction(request.action)) return applyHostAction(host, request.action);
    switch (request.action) {
      case 'end-sessions':
        return host.endSessions();
      case 'restart-empty':
        return restartEmpty(request);
      case 'disconnect':
        return host.disconnect(request.reason);
      case 'publish':
        return (await host.publish(request.topic, request.data)).seq;
      case 'inject':
        return host.inject(request.text);
      case 'refuse':
        return host.refuse(request.types);
      case 'files':
        return host.answerFiles(request.status);
      case 'refuse-subscriptions':
        return host.refuseSubscriptions(request.code);
      case 'counts':
        return host.counts();
      case 'state':
        return host.state;
    }
  }

  /** Kills a host and starts another on its port with a new, empty history, as a host process restarted alone. */
  async function restartEmpty({ id, host: index }: HostRequest): Promise<void> {
    await crash(clusters.get(id)![index]!);
    await replace(id, index, emptyHistory(clusterOptions.get(id)!));
  }

  /**
   * Wipes the cluster's history, as a cluster whose store was lost: every host killed, then all started again on
   * their ports with one new, empty backplane (a new epoch), and a running feed goes on there. Every host is down
   * before any comes back, so no client can move from the new history back to the old one.
   */
  async function resetHistory({ id, topics }: ResetHistoryRequest): Promise<Record<string, number>> {
    const hosts = clusters.get(id);
    if (!hosts) throw new Error(`reset-history: cluster ${id} is not running (in-process clusters only)`);
    const feed = feeds.get(id);
    feed?.stop();
    await Promise.all(hosts.map(crash));
    const old = hosts[0]!.backplane;
    const seq = async (topic: string): Promise<[string, number]> => [topic, await old.seq(topic)];
    const wiped = Object.fromEntries(await Promise.all(topics.map(seq)));
    const options = clusterOptions.get(id)!;
    const shared = emptyHistory(options);
    await Promise.all(hosts.map((_, index) => replace(id, index, options.ownHistory ? emptyHistory(options) : shared)));
    if (feed) feed.stop = feed.start(hosts[0]!.backplane);
    return wiped;
  }

  /** A crash for good: connections reset, and the port free for the host that replaces it. */
  async function crash(host: Host): Promise<void> {
    await host.kill();
    await host.close();
  }

  /** Starts host `index` of a cluster anew on its port, on `backplane`. */
  async function replace(id: number, index: number, backplane: Backplane): Promise<void> {
    const hosts = clusters.get(id)!;
    const port = Number(new URL(hosts[index]!.url).port);
    const fresh = new Host({ ...clusterOptions.get(id)!, name: `h${index}`, port, backplane });
    await fresh.listen();
    hosts[index] = fresh;
  }

  /** The same switches on a host process, through its control surface. */
  async function controlProcess(host: HostProcess, request: ControlRequest): Promise<unknown> {
    switch (request.action) {
      case 'publish':
        return ((await host.act('publish', { topic: request.topic, data: request.data })) as { seq: number }).seq;
      case 'counts':
        return host.act('counts');
      case 'state':
        return host.alive() ? ((await host.act('')) as { state: string }[])[0]?.state : 'down';
      case 'disconnect':
        return void (await host.act('disconnect', { reason: request.reason }));
      case 'inject':
        return void (await host.act('inject', { text: request.text }));
      case 'refuse':
        return void (await host.act('refuse', request.types));
      case 'files':
        return void (await host.act('files', { status: request.status }));
      case 'refuse-subscriptions':
        return void (await host.act('refuse-subscriptions', { code: request.code }));
      default:
        return void (await host.act(request.action));
    }
  }

  /** The demo feed, on pairs feed0, feed1, ..., so its topics are ticks/feed0, ticks/feed1, ... */
  function feed({ id, topics, rate }: FeedRequest): string[] {
    const backplane = clusters.get(id)?.[0]?.backplane;
    if (!backplane) throw new Error(`feed: cluster ${id} is not running (feeds need an in-process cluster)`);
    if (feeds.has(id)) throw new Error(`feed: cluster ${id} already has a feed; stop it first`);
    if (!(Number.isInteger(topics) && topics > 0))
      throw new Error(`feed: topics must be a positive integer, got ${topics}`);
    if (!(rate > 0)) throw new Error(`feed: rate must be a positive number of messages per second, got ${rate}`);
    const pairs = Array.from({ length: topics }, (_, i) => `feed${i}`);
    const start = (on: Backplane) => startFeed(on, { pairs, rate: rate / topics });
    feeds.set(id, { topics: pairs.map((pair) => `ticks/${pair}`), start, stop: start(backplane) });
    return feeds.get(id)!.topics;
  }

  /** Stops the feed; the backplane's seq of each topic is how many messages it published there. */
  async function stopFeed(id: number): Promise<Record<string, number>> {
    const running = feeds.get(id);
    if (!running) throw new Error(`feed: cluster ${id} has no feed running`);
    feeds.delete(id);
    running.stop();
    const backplane = clusters.get(id)![0]!.backplane;
    return Object.fromEntries(
      await Promise.all(running.topics.map(async (topic) => [topic, await backplane.seq(topic)])),
    );
  }

  async function stop(id: number): Promise<void> {
    feeds.get(id)?.stop();
    feeds.delete(id);
    const hosts = clusters.get(id) ?? [];
    clusters.delete(id);
    clusterOptions.delete(id);
    await Promise.all(hosts.map((host) => host.close()));
    const processes = processClusters.get(id);
    processClusters.delete(id);
    if (!processes) return;
    await Promise.all(processes.hosts.map((host) => host.kill('SIGTERM')));
    await processes.redis.stop();
  }

  return {
    name: 'switchboard-cluster',
    // web-test-runner takes undefined or null as "not my command", so every answer here is a value.
    executeCommand({ command, payload }) {
      if (command === START) return start(payload as ClusterOptions | undefined);
      if (command === START_PROCESSES) return startProcesses(payload as ProcessClusterOptions | undefined);
      if (command === CONTROL) return control(payload as ControlRequest).then((result) => result ?? true);
      if (command === KILL_PROCESS) {
        // kill -9 unless the payload names another signal (SIGTERM: the host drains first).
        const { signal = 'SIGKILL' } = payload as HostRequest & { signal?: NodeJS.Signals };
        return processOf(payload as HostRequest)
          .kill(signal)
          .then(() => true);
      }
      if (command === PAUSE_REDIS) {
        const { id, ms } = payload as { id: number; ms: number };
        const redis = processClusters.get(id)?.redis;
        if (!redis) throw new Error(`process cluster ${id} is not running`);
        return redis.pause(ms).then(() => true);
      }
      if (command === REDIS) {
        const { id, action } = payload as { id: number; action: 'kill' | 'start' };
        const redis = processClusters.get(id)?.redis;
        if (!redis) throw new Error(`process cluster ${id} is not running`);
        return redis[action]().then(() => true);
      }
      if (command === FEED_START) return Promise.resolve(feed(payload as FeedRequest));
      if (command === FEED_STOP) return stopFeed((payload as { id: number }).id);
      if (command === CHAOS_CONFIG) return Promise.resolve(chaosConfig());
      if (command === RESET_HISTORY) return resetHistory(payload as ResetHistoryRequest);
      if (command === STOP) return stop((payload as { id: number }).id).then(() => true);
      return undefined;
    },
    async serverStop() {
      await Promise.all([...clusters.keys(), ...processClusters.keys()].map(stop));
    },
  };
}

/** CHAOS_SECONDS (default 10) and CHAOS_SEED (default 1, so the in-suite run is the same each time). */
function chaosConfig(): ChaosConfig {
  const seconds = Number(process.env.CHAOS_SECONDS ?? 10);
  const seed = Number(process.env.CHAOS_SEED ?? 1);
  if (!(seconds > 0))
    throw new Error(`CHAOS_SECONDS must be a positive number of seconds, got "${process.env.CHAOS_SECONDS}"`);
  if (!Number.isInteger(seed)) throw new Error(`CHAOS_SEED must be an integer, got "${process.env.CHAOS_SEED}"`);
  return { seconds, seed };
}

/** A new, empty in-memory history: a new epoch. */
function emptyHistory(options: ClusterOptions): MemoryBackplane {
  return new MemoryBackplane({ historyLimit: options.historyLimit });
}

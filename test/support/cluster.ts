// Browser tests' handle on a cluster of reference-server hosts that the web-test-runner cluster plugin runs.

import { executeServerCommand } from '@web/test-runner-commands';
import { HOST_ACTIONS, type HostActionName } from '../../server/host-actions.ts';
import type { TopicErrorCode } from '../../shared/protocol.ts';
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
  type HostAction,
  type HostCounts,
  type HostState,
  type HostType,
  KILL_PROCESS,
  PAUSE_REDIS,
  type ProcessClusterOptions,
  REDIS,
  RESET_HISTORY,
  type ResetHistoryRequest,
  START,
  START_PROCESSES,
  STOP,
} from '../plugins/commands.ts';

export type { ChaosConfig, ClusterOptions, HostCounts, HostState, HostType, ProcessClusterOptions };

/** Hosts on 127.0.0.1 sharing a backplane. Start one per test and stop it after, so tests cannot disturb each other. */
export interface Cluster {
  /** Base URLs (http://127.0.0.1:PORT), host i at index i. */
  readonly hosts: string[];
  /** The names hosts give in `welcome` (h0, h1, ...). */
  readonly names: string[];
  /** Like a crash: every connection reset, and nothing listens on the port. */
  kill(host: number): Promise<void>;
  /** Like a dead network: TCP still accepted, nothing answered on new or existing connections. */
  blackhole(host: number): Promise<void>;
  /** Sends `drain` to every client of the host. */
  drain(host: number): Promise<void>;
  /** Killed, then listening on the same port again, with no sessions. */
  restart(host: number): Promise<void>;
  /** Killed, then listening on the same port again with a new, empty history (a new epoch). */
  restartEmpty(host: number): Promise<void>;
  /** Ends every http and poll session as its expiry would: the next request on one answers 404. */
  endSessions(host: number): Promise<void>;
  /** Ends every connection on purpose, telling clients `reason` in an `error` frame (and the WebSocket close). */
  disconnect(host: number, reason: string): Promise<void>;
  /** Publishes through a host (default 0) as a client's pub would; resolves the message's seq. */
  publish(topic: string, data: unknown, host?: number): Promise<number>;
  /** Sends `text` as one frame to every client of the host, unchecked: for testing bad frames. */
  inject(host: number, text: string): Promise<void>;
  /** The types the host answers with 404 from now on (an empty list serves all). */
  refuse(host: number, types: HostType[]): Promise<void>;
  /** The status the host's /files/ answers with (200 serves `{host, method, path}` as JSON). */
  files(host: number, status: number): Promise<void>;
  /** Every `sub` to the host answered with `error` of this code naming its topic; null takes subs again. */
  refuseSubscriptions(host: number, code: TopicErrorCode | null): Promise<void>;
  /** Open connections by type, and subscribers by topic. */
  counts(host: number): Promise<HostCounts>;
  state(host: number): Promise<HostState>;
  /** Publishes on `topics` topics at `rate` messages per second in all, in the server, until stopFeed(); resolves the topics. */
  feed(topics: number, rate: number): Promise<string[]>;
  /** Stops the feed; resolves how many messages it published on each topic. */
  stopFeed(): Promise<Record<string, number>>;
  /**
   * Wipes the history, as a cluster whose store was lost: every host killed, then started again on its port with
   * one new, empty shared history (a new epoch); the feed goes on there. Resolves the newest seq of each of
   * `topics` in the wiped history. In-process clusters only.
   */
  resetHistory(topics: string[]): Promise<Record<string, number>>;
  /** Closes every host, and stops the feed. */
  stop(): Promise<void>;
}

/** Hosts as separate OS processes sharing a real redis-server: every switch of Cluster, and kill -9. */
export interface ProcessCluster extends Cluster {
  /** kill -9 of the host's process: its connections drop unannounced, and nothing listens on its port again. */
  killProcess(host: number): Promise<void>;
  /** Holds every Redis write for `ms`, as a stalled Redis would. */
  pauseRedis(ms: number): Promise<void>;
  /** Kills the cluster's Redis like a crash (its data goes with it). */
  killRedis(): Promise<void>;
  /** Starts the cluster's Redis again on its port, empty. */
  startRedis(): Promise<void>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  return handle(await executeServerCommand<ClusterInfo, ClusterOptions>(START, options));
}

export async function startProcessCluster(options: ProcessClusterOptions = {}): Promise<ProcessCluster> {
  const info = await executeServerCommand<ClusterInfo, ProcessClusterOptions>(START_PROCESSES, options);
  return {
    ...handle(info),
    killProcess: async (host) => void (await executeServerCommand(KILL_PROCESS, { id: info.id, host })),
    pauseRedis: async (ms) => void (await executeServerCommand(PAUSE_REDIS, { id: info.id, ms })),
    killRedis: async () => void (await executeServerCommand(REDIS, { id: info.id, action: 'kill' })),
    startRedis: async () => void (await executeServerCommand(REDIS, { id: info.id, action: 'start' })),
  };
}

function handle(info: ClusterInfo): Cluster {
  const control = <R>(action: HostAction): Promise<R> =>
    executeServerCommand<R, ControlRequest>(CONTROL, { ...action, id: info.id });
  const switches = Object.fromEntries(
    HOST_ACTIONS.map((action) => [action, (host: number) => control<void>({ host, action })]),
  ) as Record<HostActionName, (host: number) => Promise<void>>;
  return {
    hosts: info.hosts,
    names: info.names,
    ...switches,
    endSessions: (host) => control({ host, action: 'end-sessions' }),
    restartEmpty: (host) => control({ host, action: 'restart-empty' }),
    disconnect: (host, reason) => control({ host, action: 'disconnect', reason }),
    publish: (topic, data, host = 0) => control({ host, action: 'publish', topic, data }),
    inject: (host, text) => control({ host, action: 'inject', text }),
    refuse: (host, types) => control({ host, action: 'refuse', types }),
    files: (host, status) => control({ host, action: 'files', status }),
    refuseSubscriptions: (host, code) => control({ host, action: 'refuse-subscriptions', code }),
    counts: (host) => control({ host, action: 'counts' }),
    state: (host) => control({ host, action: 'state' }),
    feed: (topics, rate) => executeServerCommand<string[], FeedRequest>(FEED_START, { id: info.id, topics, rate }),
    stopFeed: () => executeServerCommand(FEED_STOP, { id: info.id }),
    resetHistory: (topics) =>
      executeServerCommand<Record<string, number>, ResetHistoryRequest>(RESET_HISTORY, { id: info.id, topics }),
    stop: () => executeServerCommand(STOP, { id: info.id }),
  };
}

/** The chaos run's length and seed, as the test runner was started with (CHAOS_SECONDS, CHAOS_SEED). */
export function chaosConfig(): Promise<ChaosConfig> {
  return executeServerCommand<ChaosConfig, undefined>(CHAOS_CONFIG);
}

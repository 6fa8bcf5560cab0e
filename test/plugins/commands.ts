// The commands browser tests send to the Node-side plugins (cluster and tabs), and their payloads: the tests and the plugins share them.

import type { HostActionName } from '../../server/host-actions.ts';
import type { TopicErrorCode } from '../../shared/protocol.ts';

export type HostType = 'ws' | 'http' | 'poll';

export interface ClusterOptions {
  /** How many hosts; default 1. They share one in-process backplane, unless ownHistory. */
  hosts?: number;
  /** Each host keeps its own history, as host processes without a shared backplane do: seqs differ between hosts. */
  ownHistory?: boolean;
  /** The ping interval hosts give in `welcome`, in ms; default 15000. */
  heartbeat?: number;
  /** Messages kept per topic; default 1000. */
  historyLimit?: number;
  /** ms a session lives with no stream or poll; default 30000. */
  sessionExpiry?: number;
  /** ms a poll is held before it answers []; default 25000. */
  pollWait?: number;
  /** Largest frame a host accepts, in bytes; default 1 MiB. */
  maxFrameBytes?: number;
  /** Topic prefixes the hosts forbid: a sub gets `error` `forbidden`, a pub `nack` `forbidden`. */
  forbid?: string[];
}

/** Hosts as separate OS processes (server/cli.ts --redis) sharing a redis-server that the plugin starts for them. */
export interface ProcessClusterOptions {
  /** How many host processes; default 2. */
  hosts?: number;
  /** The ping interval hosts give in `welcome`, in ms; default 15000. */
  heartbeat?: number;
  /** Messages kept per topic in Redis; default 1000. */
  historyLimit?: number;
  /** Topic prefixes the hosts forbid (`--forbid`). */
  forbid?: string[];
  /** ms a host waits for a Redis command before the outcome is unknown (`--redis-timeout`). */
  redisTimeout?: number;
}

export interface ClusterInfo {
  id: number;
  /** Base URLs, host i at index i. */
  hosts: string[];
  /** The names hosts give in `welcome`: h0, h1, ... */
  names: string[];
}

export type HostState = 'up' | 'blackholed' | 'down';

export interface HostCounts {
  connections: Record<HostType, number>;
  subscribers: Record<string, number>;
  /** Requests for /files/ answered. */
  files: number;
}

/** What to do to one host. */
export type HostAction = { host: number } & (
  | { action: HostActionName }
  | { action: 'end-sessions' | 'counts' | 'state' }
  /** A restart that loses the history: the host comes back on its port with a new, empty backplane. */
  | { action: 'restart-empty' }
  | { action: 'disconnect'; reason: string }
  | { action: 'publish'; topic: string; data: unknown }
  | { action: 'inject'; text: string }
  | { action: 'refuse'; types: HostType[] }
  | { action: 'files'; status: number }
  /** Every `sub` answered with `error` of this code, naming its topic, until a later one with null. */
  | { action: 'refuse-subscriptions'; code: TopicErrorCode | null }
);

export type ControlRequest = HostAction & { id: number };

/** A feed on a cluster's backplane: `topics` topics (ticks/feed0, ...) at `rate` messages per second in all. */
export interface FeedRequest {
  id: number;
  topics: number;
  rate: number;
}

/** The chaos run's length and seed, from CHAOS_SECONDS and CHAOS_SEED in the test runner's environment. */
export interface ChaosConfig {
  seconds: number;
  seed: number;
}

export const START = 'cluster-start';
export const CONTROL = 'cluster-control';
export const STOP = 'cluster-stop';
export const START_PROCESSES = 'cluster-start-processes';
/** kill -9 of one host process of a process cluster: payload `{ id, host }`. */
export const KILL_PROCESS = 'cluster-kill-process';
/** Pauses the process cluster's Redis: { id, ms }. */
export const PAUSE_REDIS = 'cluster-pause-redis';
/** Kills the process cluster's Redis like a crash, or starts it again empty: { id, action: 'kill' | 'start' }. */
export const REDIS = 'cluster-redis';
/** Starts a feed (FeedRequest) on a cluster; answers its topics. One feed per cluster. */
export const FEED_START = 'cluster-feed-start';
/** Stops a cluster's feed: payload `{ id }`; answers how many it published per topic. */
export const FEED_STOP = 'cluster-feed-stop';
/** Answers the ChaosConfig. */
export const CHAOS_CONFIG = 'chaos-config';
/** Wipes an in-process cluster's history (ResetHistoryRequest); answers the wiped history's newest seq of each topic. */
export const RESET_HISTORY = 'cluster-reset-history';

export interface ResetHistoryRequest {
  id: number;
  /** The topics whose newest seq in the wiped history the answer gives. */
  topics: string[];
}

// The tabs plugin's commands.

export type TabCommand =
  | { command: 'tab-open'; payload: { url: string } }
  | { command: 'tab-eval'; payload: { id: number; expression: string } }
  | { command: 'tab-close' | 'tab-crash'; payload: { id: number } }
  | { command: 'tab-navigate'; payload: { id: number; url: string } }
  | { command: 'worker-kill' | 'worker-probe' | 'worker-snapshot'; payload: { name: string } }
  | { command: 'long-session-config'; payload: undefined };

/** What a SharedWorker holds after a garbage collection: its JS heap and its live MessagePorts. */
export interface WorkerProbe {
  heapBytes: number;
  ports: number;
}

/** A heap snapshot of a SharedWorker after a garbage collection: count and bytes by kind of object ("object:Tab", "closure:flush"). */
export type WorkerSnapshot = Record<string, { count: number; bytes: number }>;

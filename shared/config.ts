// Parse and check a Switchboard config; a ConfigError names the bad field by its path.

import { ConfigError, SwitchboardError } from './errors.ts';
import type { TransportType } from './protocol.ts';

export { ConfigError };

/** 'rttp' stands for the default list, ws then http then poll (StreamLink's name for it). */
export type ConnectionType = TransportType | 'rttp';

export type Server = string | { url: string; types?: ConnectionType[] } | { host: string; types?: ConnectionType[] };

/** StreamLink groups: the outer array balances, an array inside it is ordered, and so on alternately. */
export type Group = Server | Group[] | { balance: Group[] } | { ordered: Group[] };

export interface SwitchboardConfig {
  /** StreamLink form: the outer array is a balance group of ordered groups. */
  servers?: Group;
  /** Flowplayer form: a flat list, ordered unless loadBalance. */
  hosts?: Server[];
  /** Shuffle balance groups. Default true with `servers`, false with `hosts`. */
  loadBalance?: boolean;
  /** ms per attempt (one type on one host). Default 2000. */
  connectTimeout?: number;
  /** Rounds over all hosts before 'failed'. Default 3. */
  connectCount?: number;
  /** ms a failed host is skipped, remembered in IndexedDB. Default 2000. */
  failureExpiry?: number;
  /** ms between rounds; grows with jitter up to maxReconnectDelay. Default 1000. */
  reconnectDelay?: number;
  /** Default 30000. */
  maxReconnectDelay?: number;
  /** Types tried on each host that does not name its own. Default ['ws', 'http', 'poll']. */
  types?: ConnectionType[];
  /** Sends that may wait while no host is connected. Default 1000. */
  sendQueueLimit?: number;
  /** Messages the worker keeps per topic, so a tab that resumes behind another catches up. Default 100. */
  replayLimit?: number;
  /** ms with no subscriber and no pending send before the upstream connection closes. Default 30000. */
  idleTimeout?: number;
  /** HTTP statuses on which board.fetch() moves on to the next host. Default [502, 503, 504]. */
  retryStatuses?: number[];
}

/** One host of the cluster, as the failover loop uses it. */
export interface Host {
  /** The URL as configured: what events report. */
  host: string;
  /** Base URL with rttp aliases resolved to http(s) and no trailing slash. */
  url: string;
  /** Depth-first place in the config, as Flowplayer's hostIndex. */
  index: number;
  types: TransportType[];
}

export type PlanNode =
  | { kind: 'host'; host: Host }
  | { kind: 'balance'; children: PlanNode[] }
  | { kind: 'ordered'; children: PlanNode[] };

export interface Settings {
  plan: PlanNode;
  /** Every host, by index. */
  hosts: Host[];
  loadBalance: boolean;
  connectTimeout: number;
  connectCount: number;
  failureExpiry: number;
  reconnectDelay: number;
  maxReconnectDelay: number;
  sendQueueLimit: number;
  replayLimit: number;
  idleTimeout: number;
  retryStatuses: number[];
}

const DEFAULT_TYPES: readonly TransportType[] = ['ws', 'http', 'poll'];

/** The host at `index` in the config; an error named for `call`, with the valid range, for any other index. */
export function hostAt(settings: Settings, index: number, call: string): Host {
  const host = Number.isInteger(index) ? settings.hosts[index] : undefined;
  if (!host) {
    throw new SwitchboardError(
      'invalid-argument',
      `${call}: index must be a host's index in the config, 0 to ${settings.hosts.length - 1}, got ${String(index)}`,
    );
  }
  return host;
}

const DEFAULTS = {
  connectTimeout: 2000,
  connectCount: 3,
  failureExpiry: 2000,
  reconnectDelay: 1000,
  maxReconnectDelay: 30000,
  sendQueueLimit: 1000,
  replayLimit: 100,
  idleTimeout: 30000,
  retryStatuses: [502, 503, 504],
} as const;

const CONFIG_KEYS = [
  'servers',
  'hosts',
  'loadBalance',
  'connectTimeout',
  'connectCount',
  'failureExpiry',
  'reconnectDelay',
  'maxReconnectDelay',
  'types',
  'sendQueueLimit',
  'replayLimit',
  'idleTimeout',
  'retryStatuses',
];
const SCHEMES: Record<string, string> = { 'http:': 'http:', 'https:': 'https:', 'rttp:': 'http:', 'rttps:': 'https:' };
const TYPE_NAMES = ['ws', 'http', 'poll', 'rttp'];

export function parseConfig(input: unknown): Settings {
  const config = record(input, 'config');
  checkKeys(config, CONFIG_KEYS, 'config');
  if (config.servers !== undefined && config.hosts !== undefined) {
    throw new ConfigError(
      'config',
      'has both "servers" and "hosts"; use one (servers for StreamLink groups, hosts for a flat list)',
    );
  }
  if (config.servers === undefined && config.hosts === undefined) {
    throw new ConfigError('config', 'needs "servers" (StreamLink groups) or "hosts" (a flat list of base URLs)');
  }
  const types = config.types === undefined ? [...DEFAULT_TYPES] : parseTypes(config.types, 'types');
  const hosts: Host[] = [];
  const seen = new Map<string, string>();
  const addHost = (value: unknown, path: string): PlanNode => {
    const host = parseServer(value, path, types, hosts.length);
    const first = seen.get(host.url);
    if (first !== undefined) throw new ConfigError(path, `host "${host.host}" appears twice (first at ${first})`);
    seen.set(host.url, path);
    hosts.push(host);
    return { kind: 'host', host };
  };

  let plan: PlanNode;
  if (config.hosts !== undefined) {
    if (!Array.isArray(config.hosts))
      throw new ConfigError('hosts', `expected an array of servers, got ${describe(config.hosts)}`);
    if (config.hosts.length === 0) throw new ConfigError('hosts', 'is empty (expected at least one server)');
    const children = config.hosts.map((value, i) => {
      if (Array.isArray(value))
        throw new ConfigError(`hosts[${i}]`, 'expected a server (hosts is a flat list; use "servers" for groups)');
      return addHost(value, `hosts[${i}]`);
    });
    plan = { kind: 'balance', children };
  } else {
    plan = parseGroup(config.servers, 'servers', 'balance', addHost);
  }

  const number = (key: Exclude<keyof typeof DEFAULTS, 'retryStatuses'>, min: number) => {
    const value = config[key];
    if (value === undefined) return DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      const unit =
        key === 'connectCount'
          ? 'rounds'
          : key === 'sendQueueLimit'
            ? 'sends'
            : key === 'replayLimit'
              ? 'messages'
              : 'milliseconds';
      throw new ConfigError(key, `expected a whole number of ${unit}, at least ${min}, got ${describe(value)}`);
    }
    return value;
  };
  const reconnectDelay = number('reconnectDelay', 0);
  const maxReconnectDelay = number('maxReconnectDelay', 0);
  if (maxReconnectDelay < reconnectDelay) {
    throw new ConfigError(
      'maxReconnectDelay',
      `must be at least reconnectDelay (${reconnectDelay}), got ${maxReconnectDelay}`,
    );
  }
  if (config.loadBalance !== undefined && typeof config.loadBalance !== 'boolean') {
    throw new ConfigError('loadBalance', `expected true or false, got ${describe(config.loadBalance)}`);
  }
  return {
    plan,
    hosts,
    loadBalance: (config.loadBalance as boolean | undefined) ?? config.servers !== undefined,
    connectTimeout: number('connectTimeout', 1),
    connectCount: number('connectCount', 1),
    failureExpiry: number('failureExpiry', 0),
    reconnectDelay,
    maxReconnectDelay,
    sendQueueLimit: number('sendQueueLimit', 0),
    replayLimit: number('replayLimit', 0),
    idleTimeout: number('idleTimeout', 0),
    retryStatuses:
      config.retryStatuses === undefined ? [...DEFAULTS.retryStatuses] : parseStatuses(config.retryStatuses),
  };
}

function parseGroup(
  value: unknown,
  path: string,
  arrayKind: 'balance' | 'ordered',
  addHost: (value: unknown, path: string) => PlanNode,
): PlanNode {
  const children = (items: unknown, itemsPath: string, kind: 'balance' | 'ordered'): PlanNode => {
    if (!Array.isArray(items))
      throw new ConfigError(itemsPath, `expected an array of servers or groups, got ${describe(items)}`);
    if (items.length === 0) throw new ConfigError(itemsPath, 'is an empty group (expected at least one server)');
    const nested = kind === 'balance' ? 'ordered' : 'balance';
    return { kind, children: items.map((item, i) => parseGroup(item, `${itemsPath}[${i}]`, nested, addHost)) };
  };
  if (Array.isArray(value)) return children(value, path, arrayKind);
  if (isRecord(value) && ('balance' in value || 'ordered' in value)) {
    const kind = 'balance' in value ? 'balance' : 'ordered';
    checkKeys(value, [kind], path);
    return children(value[kind], `${path}.${kind}`, kind);
  }
  return addHost(value, path);
}

function parseServer(value: unknown, path: string, defaultTypes: TransportType[], index: number): Host {
  if (typeof value === 'string') return { host: value, url: parseUrl(value, path), index, types: [...defaultTypes] };
  if (!isRecord(value)) {
    throw new ConfigError(
      path,
      `expected a server: a URL string, {url, types} or {host, types}, got ${describe(value)}`,
    );
  }
  const key = 'url' in value ? 'url' : 'host' in value ? 'host' : undefined;
  if (key === undefined) throw new ConfigError(path, 'expected a server with "url" or "host"');
  checkKeys(value, [key, 'types'], path);
  const raw = value[key];
  if (typeof raw !== 'string') throw new ConfigError(`${path}.${key}`, `expected a string, got ${describe(raw)}`);
  // A bare host name ("feed.example.com:8080") means http, as a browser's address bar would.
  const text = key === 'host' && !raw.includes('://') ? `http://${raw}` : raw;
  return {
    host: raw,
    url: parseUrl(text, `${path}.${key}`),
    index,
    types: value.types === undefined ? [...defaultTypes] : parseTypes(value.types, `${path}.types`),
  };
}

function parseUrl(text: string, path: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(path, `"${text}" is not a valid URL (expected e.g. "https://feed.example.com")`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) {
    throw new ConfigError(
      path,
      `unsupported scheme "${url.protocol.slice(0, -1)}" in "${text}" (expected http, https, rttp or rttps)`,
    );
  }
  if (url.hostname === '') throw new ConfigError(path, `"${text}" has no host name`);
  if (url.search || url.hash) throw new ConfigError(path, `"${text}" has a query or fragment (expected a base URL)`);
  // new URL keeps a custom scheme's host, so swapping the alias keeps port and path intact.
  const rest = text.slice(text.indexOf('://') + 1);
  return new URL(`${scheme}${rest}`).href.replace(/\/+$/, '');
}

function parseStatuses(value: unknown): number[] {
  if (!Array.isArray(value))
    throw new ConfigError('retryStatuses', `expected an array of HTTP statuses, got ${describe(value)}`);
  value.forEach((status, i) => {
    if (!Number.isInteger(status) || status < 500 || status > 599) {
      throw new ConfigError(
        `retryStatuses[${i}]`,
        `expected a 5xx HTTP status (a 4xx is the caller's to handle), got ${describe(status)}`,
      );
    }
  });
  return value as number[];
}

function parseTypes(value: unknown, path: string): TransportType[] {
  if (!Array.isArray(value))
    throw new ConfigError(path, `expected an array of connection types, got ${describe(value)}`);
  if (value.length === 0) throw new ConfigError(path, 'is empty (expected at least one of ws, http, poll or rttp)');
  const types = new Set<TransportType>();
  value.forEach((type, i) => {
    if (typeof type !== 'string' || !TYPE_NAMES.includes(type)) {
      throw new ConfigError(
        `${path}[${i}]`,
        `unknown connection type ${describe(type)} (expected ws, http, poll or rttp)`,
      );
    }
    for (const t of type === 'rttp' ? DEFAULT_TYPES : [type as TransportType]) types.add(t);
  });
  return [...types];
}

function checkKeys(value: Record<string, unknown>, known: string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    const where = path === 'config' ? key : `${path}.${key}`;
    throw new ConfigError(
      where,
      `unknown option${near ? ` (did you mean "${near}"?)` : ` (expected one of ${known.join(', ')})`}`,
    );
  }
}

/** The known key within edit distance 3 of `key`, ignoring case, if any. */
export function nearest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ConfigError(path, `expected an object, got ${describe(value)}`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message shows what arrived: a string quoted, a number as it is, else its kind. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

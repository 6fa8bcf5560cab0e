// switchboard-server's configuration: every option is a flag, a SWITCHBOARD_* variable and a key of a JSON file, checked alike.

import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError, describe, nearest } from '../shared/config.ts';
import { messageOf } from '../shared/errors.ts';
import type { TransportType } from '../shared/protocol.ts';
import { HISTORY_LIMIT } from './history.ts';
import { HOST_DEFAULTS } from './host.ts';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logger.ts';
import { MAX_DEPTH } from './publishable.ts';
import { COMMAND_TIMEOUT } from './redis-backplane.ts';

export { ConfigError };

/** What the CLI runs with, after flags over variables over the file over defaults. */
export interface ServerConfig {
  port: number;
  host: string;
  name: string | undefined;
  heartbeat: number;
  history: number;
  maxFrame: number;
  sessionExpiry: number;
  refuse: TransportType[];
  maxDepth: number;
  forbid: string[];
  control: number | undefined;
  redis: string | undefined;
  redisTimeout: number;
  drainDeadline: number;
  metricsPort: number | undefined;
  logLevel: LogLevel;
  logFormat: LogFormat;
  demo: boolean;
  rate: number;
}

/** How long a shutdown waits for in-flight pubs to be answered before closing anyway, in ms. */
const DRAIN_DEADLINE = 10_000;

/** The host port when none is given: 8001 for one host, 8000 for the demo's page. */
const DEMO_PORT = 8000;

/** How one kind of value is read from text (a flag, a variable) or from JSON (the file); undefined when it is not. */
interface Kind<T> {
  expected: string;
  text(text: string): T | undefined;
  json(value: unknown): T | undefined;
}

interface Option<T> {
  kind: Kind<NonNullable<T>>;
  default: T;
  /** What the flag takes, for --help. */
  takes: string;
  help: string;
}

function whole(min: number, unit: string, max = Number.MAX_SAFE_INTEGER): Kind<number> {
  const ok = (value: number) => Number.isInteger(value) && value >= min && value <= max;
  return {
    expected:
      max === Number.MAX_SAFE_INTEGER ? `a whole number of ${unit}, at least ${min}` : `${unit}, ${min} to ${max}`,
    text: (text) => (/^\d+$/.test(text) && ok(Number(text)) ? Number(text) : undefined),
    json: (value) => (typeof value === 'number' && ok(value) ? value : undefined),
  };
}

function words(expected: string, check: (text: string) => boolean = (text) => text !== ''): Kind<string> {
  return {
    expected,
    text: (text) => (check(text) ? text : undefined),
    json: (value) => (typeof value === 'string' && check(value) ? value : undefined),
  };
}

function choice<T extends string>(choices: readonly T[]): Kind<T> {
  const pick = (value: unknown) => choices.find((known) => known === value);
  return { expected: `one of ${choices.join(', ')}`, text: pick, json: pick };
}

/** A list: comma-separated as text, an array of strings (or one such text) in the file. */
function list<T extends string>(expected: string, item: (text: string) => T | undefined): Kind<T[]> {
  const text = (value: string) => {
    const items = value.split(',').filter(Boolean);
    const checked = items.map(item).filter((known) => known !== undefined);
    return checked.length === items.length ? checked : undefined;
  };
  return {
    expected,
    text,
    json: (value) =>
      typeof value === 'string'
        ? text(value)
        : Array.isArray(value) && value.every((v) => typeof v === 'string')
          ? text(value.join(','))
          : undefined,
  };
}

const flag: Kind<boolean> = {
  expected: 'true or false',
  text: (text) => ({ true: true, '1': true, '': true, false: false, '0': false })[text],
  json: (value) => (typeof value === 'boolean' ? value : undefined),
};

const ms = whole(0, 'milliseconds');
const port = whole(0, 'a port', 65_535);
const TYPES = ['ws', 'http', 'poll'] as const;

const OPTIONS: { [K in keyof ServerConfig]: Option<ServerConfig[K]> } = {
  port: { kind: port, default: 8001, takes: 'N', help: `port of the host (the demo's page: ${DEMO_PORT}); 0 any free` },
  host: {
    kind: words('an address to listen on'),
    default: '127.0.0.1',
    takes: 'ADDRESS',
    help: 'address to listen on',
  },
  name: {
    kind: words('a name'),
    default: undefined,
    takes: 'NAME',
    help: 'name given in `welcome`; default host-PORT',
  },
  heartbeat: { kind: ms, default: HOST_DEFAULTS.heartbeat, takes: 'MS', help: 'ping interval clients are told' },
  history: { kind: whole(1, 'messages'), default: HISTORY_LIMIT, takes: 'N', help: 'messages kept per topic' },
  maxFrame: {
    kind: whole(1, 'bytes'),
    default: HOST_DEFAULTS.maxFrameBytes,
    takes: 'BYTES',
    help: 'largest frame or /send body taken',
  },
  sessionExpiry: {
    kind: ms,
    default: HOST_DEFAULTS.sessionExpiry,
    takes: 'MS',
    help: 'an http or poll session unread this long ends',
  },
  refuse: {
    kind: list('a list of ws, http and poll', (text) => TYPES.find((type) => type === text)),
    default: [],
    takes: 'ws,http,poll',
    help: 'connection types answered 404',
  },
  maxDepth: { kind: whole(1, 'levels'), default: MAX_DEPTH, takes: 'N', help: "how deeply a pub's data may nest" },
  forbid: {
    kind: list('a list of topic prefixes', (text) => text),
    default: [],
    takes: 'PREFIX[,PREFIX]',
    help: 'topics no client may sub or pub to',
  },
  control: { kind: port, default: undefined, takes: 'PORT', help: 'control surface on 127.0.0.1:PORT; off by default' },
  redis: {
    kind: words('a Redis URL such as redis://127.0.0.1:6379', (text) => /^rediss?:\/\/./.test(text)),
    default: undefined,
    takes: 'URL',
    help: 'share seq, history and fan-out with every host on this Redis',
  },
  redisTimeout: {
    kind: whole(1, 'milliseconds'),
    default: COMMAND_TIMEOUT,
    takes: 'MS',
    help: 'a Redis command may take this long; a pub past it is nacked "unknown"',
  },
  drainDeadline: {
    kind: ms,
    default: DRAIN_DEADLINE,
    takes: 'MS',
    help: 'on SIGTERM, wait this long at most for in-flight pubs to be acked',
  },
  metricsPort: {
    kind: port,
    default: undefined,
    takes: 'PORT',
    help: 'serve /metrics on this port alone; default on the host port',
  },
  logLevel: { kind: choice(LOG_LEVELS), default: 'info', takes: LOG_LEVELS.join('|'), help: 'least level logged' },
  logFormat: {
    kind: choice(LOG_FORMATS),
    default: 'json',
    takes: LOG_FORMATS.join('|'),
    help: 'JSON lines, or one short line for humans',
  },
  demo: { kind: flag, default: false, takes: '', help: 'the demo: three hosts, a feed and its page' },
  rate: { kind: whole(1, 'messages a second'), default: 2, takes: 'N', help: "the demo feed's messages per second" },
};

const KEYS = Object.keys(OPTIONS) as (keyof ServerConfig)[];

const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
const variableOf = (key: string) => `SWITCHBOARD_${flagOf(key).slice(2).replace(/-/g, '_').toUpperCase()}`;

/** What the CLI was asked: run with `config`, or only print help or the configuration. */
export interface Request {
  config: ServerConfig;
  help: boolean;
  printConfig: boolean;
}

/** Reads flags, then SWITCHBOARD_* variables, then the `--config` file; throws a ConfigError naming where a value is bad. */
export function loadConfig(args: string[], env: Record<string, string | undefined>): Request {
  const flags = readFlags(args);
  const variables = readVariables(env);
  const file = flags.values.config ?? env.SWITCHBOARD_CONFIG;
  const fromFile = file === undefined || file === '' ? {} : readFile(file);
  const given: Partial<Record<keyof ServerConfig, unknown>> = { ...fromFile, ...variables, ...flags.config };
  const config = Object.fromEntries(
    KEYS.map((key) => [key, given[key] ?? OPTIONS[key].default]),
  ) as unknown as ServerConfig;
  if (config.demo && given.port === undefined) config.port = DEMO_PORT;
  const print = flags.values['print-config'] ?? flag.text(env.SWITCHBOARD_PRINT_CONFIG ?? 'false') ?? false;
  return { config, help: flags.values.help ?? false, printConfig: print };
}

/** --help: every option with its variable and default. */
export function usage(): string {
  const lines = KEYS.map((key) => {
    const option = OPTIONS[key];
    const value = option.default;
    const shown = value === undefined || (Array.isArray(value) && value.length === 0) ? '' : ` (default ${value})`;
    return `  ${`${flagOf(key)} ${option.takes}`.padEnd(33)} ${option.help}${shown}; ${variableOf(key)}`;
  });
  return [
    'usage: switchboard-server [options]',
    '',
    ...lines,
    `  ${'--config FILE'.padEnd(33)} a JSON file of these options by name, such as {"port": 8001}; SWITCHBOARD_CONFIG`,
    `  ${'--print-config'.padEnd(33)} print the configuration in effect, as JSON, and exit; SWITCHBOARD_PRINT_CONFIG`,
    `  ${'--help'.padEnd(33)} this text`,
    '',
    'Flags win over variables, variables over the file. SIGTERM or SIGINT drains, then exits 0; a second exits at once.',
  ].join('\n');
}

function readFlags(args: string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {
    config: { type: 'string' },
    'print-config': { type: 'boolean' },
    help: { type: 'boolean' },
    ...Object.fromEntries(
      KEYS.map((key) => [
        flagOf(key).slice(2),
        { type: OPTIONS[key].kind === flag ? 'boolean' : 'string', multiple: key === 'forbid' },
      ]),
    ),
  };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ args, options }).values;
  } catch (error) {
    const isUnknown = (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    const unknown = isUnknown ? /'(-[^']*)'/.exec(messageOf(error))?.[1] : undefined;
    if (!unknown) throw new ConfigError('arguments', messageOf(error));
    const near = nearest(unknown.replace(/^-+/, ''), Object.keys(options));
    throw new ConfigError(unknown, `unknown option${near ? ` (did you mean "--${near}"?)` : ''}`);
  }
  const config: Partial<Record<keyof ServerConfig, unknown>> = {};
  for (const key of KEYS) {
    const value = values[flagOf(key).slice(2)];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : typeof value === 'boolean' ? String(value) : value;
    config[key] = fromText(key, text, flagOf(key));
  }
  return {
    config,
    values: values as { config?: string; 'print-config'?: boolean; help?: boolean },
  };
}

function readVariables(env: Record<string, string | undefined>): Partial<Record<keyof ServerConfig, unknown>> {
  const known = [...KEYS.map(variableOf), 'SWITCHBOARD_CONFIG', 'SWITCHBOARD_PRINT_CONFIG'];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('SWITCHBOARD_') || known.includes(name)) continue;
    const near = nearest(name, known);
    throw new ConfigError(name, `unknown variable${near ? ` (did you mean ${near}?)` : ''}`);
  }
  const config: Partial<Record<keyof ServerConfig, unknown>> = {};
  for (const key of KEYS) {
    const text = env[variableOf(key)];
    if (text !== undefined) config[key] = fromText(key, text, variableOf(key));
  }
  return config;
}

function readFile(file: string): Partial<Record<keyof ServerConfig, unknown>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, `cannot be read (${messageOf(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, `is not JSON (${messageOf(error)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ConfigError(file, `expected an object of options, such as {"port": 8001}, got ${describe(json)}`);
  const config: Partial<Record<keyof ServerConfig, unknown>> = {};
  for (const [key, value] of Object.entries(json)) {
    const path = `${file}: ${key}`;
    // null is the default, as --print-config shows an option left unset.
    if (value === null) continue;
    if (!(KEYS as string[]).includes(key)) {
      const near = nearest(key, KEYS);
      throw new ConfigError(path, `unknown option${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    const option = OPTIONS[key as keyof ServerConfig];
    const checked = option.kind.json(value);
    if (checked === undefined) throw new ConfigError(path, `expected ${option.kind.expected}, got ${describe(value)}`);
    config[key as keyof ServerConfig] = checked;
  }
  return config;
}

function fromText(key: keyof ServerConfig, text: string, path: string): unknown {
  const { kind } = OPTIONS[key];
  const value = kind.text(text);
  if (value === undefined) throw new ConfigError(path, `expected ${kind.expected}, got ${describe(text)}`);
  return value;
}

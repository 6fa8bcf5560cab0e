// docs/PROTOCOL.md frames, version 1: their types, and encode, decode and validation for both sides.

export const PROTOCOL_VERSION = 1;

/** How the client reaches a host ("Transports"). */
export type TransportType = 'ws' | 'http' | 'poll';

export type ClientFrame =
  | { op: 'hello'; v: number }
  | { op: 'sub'; topic: string; from?: number }
  | { op: 'unsub'; topic: string }
  | { op: 'pub'; topic: string; data: unknown; id: string }
  | { op: 'ping'; t: number };

export interface WelcomeFrame {
  op: 'welcome';
  v: number;
  server: string;
  heartbeat: number;
  /** Changes whenever a topic's history begins again ("History epochs"); old servers send none. */
  epoch?: string;
}

export type ServerFrame =
  | WelcomeFrame
  | { op: 'msg'; topic: string; seq: number; data: unknown }
  | { op: 'subscribed'; topic: string; seq: number; recovered: boolean; epoch?: string }
  | { op: 'unsubscribed'; topic: string }
  | { op: 'ack'; id: string }
  | { op: 'nack'; id: string; error: string; code?: string }
  | { op: 'pong'; t: number }
  | { op: 'drain' }
  | { op: 'error'; code: string; message: string; topic?: string };

/**
 * Why a pub was refused. `unavailable`: not published, retry with the same id. `unknown`: it may have been
 * published, retry with the same id (dedupe publishes it once). The others are permanent.
 */
export type NackCode = 'invalid' | 'too-large' | 'forbidden' | 'unavailable' | 'unknown';

/** Codes of an `error` about one topic (it names the topic): `unavailable` is transient, the others permanent. */
export type TopicErrorCode = 'unavailable' | 'forbidden' | 'invalid';

/** Why a frame could not be used: `what` is its op, or its first 200 characters. */
export interface FrameError {
  what: string;
  reason: string;
}

export type Decoded<F> = { frame: F; error?: undefined } | { frame?: undefined; error: FrameError };

export const MAX_TOPIC_LENGTH = 256;
export const MAX_ID_LENGTH = 64;
/** An epoch names a history; a tab keeps it per topic, so it stays short. */
export const MAX_EPOCH_LENGTH = 64;
/**
 * The heartbeat a host may ask for in `welcome`, in ms. Below it, pings would flood the host; above it, a dead host
 * would go unnoticed for long, and past 2^31 - 1 ms timers overflow and fire at once, turning into a ping storm.
 */
export const MIN_HEARTBEAT = 100;
export const MAX_HEARTBEAT = 300_000;

export function encode(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}

/** A frame from a server, as the client receives it. Never throws. */
export function decode(text: string): Decoded<ServerFrame> {
  const parsed = parse(text);
  return parsed.error ? parsed : validateServerFrame(parsed.value);
}

/** A frame from a client, as the server receives it. Never throws. */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  const parsed = parse(text);
  return parsed.error ? parsed : validateClientFrame(parsed.value);
}

/** JSON text to a value; the error names the first 200 characters. */
export function parse(text: string): { value: unknown; error?: undefined } | { value?: undefined; error: FrameError } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: { what: text.slice(0, 200), reason: 'not valid JSON' } };
  }
}

type Fields = Record<string, unknown>;
type Check = (frame: Fields) => string | undefined;

const topic: Check = (f) =>
  typeof f.topic === 'string' && f.topic.length > 0 && f.topic.length <= MAX_TOPIC_LENGTH
    ? undefined
    : `topic must be a non-empty string of at most ${MAX_TOPIC_LENGTH} UTF-16 units`;
const seq =
  (field: string, min: number): Check =>
  (f) =>
    Number.isSafeInteger(f[field]) && (f[field] as number) >= min
      ? undefined
      : `${field} must be an integer of at least ${min}`;
const between =
  (field: string, min: number, max: number, unit: string): Check =>
  (f) =>
    Number.isSafeInteger(f[field]) && (f[field] as number) >= min && (f[field] as number) <= max
      ? undefined
      : `${field} must be ${min} to ${max} ${unit}, got ${describe(f[field])}`;
const number =
  (field: string): Check =>
  (f) =>
    typeof f[field] === 'number' && Number.isFinite(f[field]) ? undefined : `${field} must be a number`;
const string =
  (field: string): Check =>
  (f) =>
    typeof f[field] === 'string' ? undefined : `${field} must be a string`;
const boolean =
  (field: string): Check =>
  (f) =>
    typeof f[field] === 'boolean' ? undefined : `${field} must be true or false`;
const present =
  (field: string): Check =>
  (f) =>
    f[field] === undefined ? `${field} is missing` : undefined;
const optional =
  (field: string, check: Check): Check =>
  (f) =>
    f[field] === undefined ? undefined : check(f);
const epoch: Check = optional('epoch', (f) =>
  typeof f.epoch === 'string' && f.epoch.length <= MAX_EPOCH_LENGTH
    ? undefined
    : `epoch must be a string of at most ${MAX_EPOCH_LENGTH} characters`,
);
const id: Check = (f) =>
  typeof f.id === 'string' && f.id.length > 0 && f.id.length <= MAX_ID_LENGTH
    ? undefined
    : `id must be a non-empty string of at most ${MAX_ID_LENGTH} characters`;

const clientChecks: Record<ClientFrame['op'], Check[]> = {
  hello: [number('v')],
  sub: [topic, optional('from', seq('from', 0))],
  unsub: [topic],
  pub: [topic, id, present('data')],
  ping: [number('t')],
};

const serverChecks: Record<ServerFrame['op'], Check[]> = {
  welcome: [seq('v', 1), string('server'), between('heartbeat', MIN_HEARTBEAT, MAX_HEARTBEAT, 'ms'), epoch],
  msg: [topic, seq('seq', 1), present('data')],
  subscribed: [topic, seq('seq', 0), boolean('recovered'), epoch],
  unsubscribed: [topic],
  ack: [string('id')],
  nack: [string('id'), string('error'), optional('code', string('code'))],
  pong: [number('t')],
  drain: [],
  error: [string('code'), string('message'), optional('topic', string('topic'))],
};

export function validateClientFrame(value: unknown): Decoded<ClientFrame> {
  return validate<ClientFrame>(value, clientChecks);
}

export function validateServerFrame(value: unknown): Decoded<ServerFrame> {
  return validate<ServerFrame>(value, serverChecks);
}

function validate<F extends { op: string }>(value: unknown, checks: Record<F['op'], Check[]>): Decoded<F> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: { what: describe(value), reason: 'a frame must be a JSON object' } };
  }
  const fields = value as Fields;
  if (typeof fields.op !== 'string') return { error: { what: describe(value), reason: 'op is missing' } };
  const what = fields.op.slice(0, 200);
  if (!Object.hasOwn(checks, fields.op)) return { error: { what, reason: 'unknown op' } };
  for (const check of checks[fields.op as F['op']]) {
    const reason = check(fields);
    if (reason) return { error: { what, reason } };
  }
  return { frame: value as F };
}

function describe(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 200);
}

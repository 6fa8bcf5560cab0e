// The calls a page may make on the worker (TabApi), each with the checks its arguments must pass at the boundary.

import { MAX_EPOCH_LENGTH, MAX_ID_LENGTH } from '../shared/protocol.ts';
import type { TabApi } from '../shared/tab-api.ts';

/** One argument's check: undefined when the value is right, else what was wrong, naming the argument. */
type Check = (value: unknown) => string | undefined;

const must =
  (name: string, what: string, ok: (value: unknown) => boolean): Check =>
  (value) =>
    ok(value) ? undefined : `${name} must be ${what}, got ${arrived(value)}`;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyString = (value: unknown) => isString(value) && value.length > 0;
const maybe = (ok: (value: unknown) => boolean) => (value: unknown) => value === undefined || ok(value);

const topic = must('topic', 'a string', isString);
const index = must('index', 'an integer', Number.isInteger);
const anything: Check = () => undefined;

/** The fields of attach's request, each checked; `config` is parseConfig's to check, with its ConfigError paths. */
const requestFields: Record<string, Check> = {
  version: must('request.version', 'a string', isString),
  config: anything,
  reconfigure: must(
    'request.reconfigure',
    'true, false or undefined',
    maybe((v) => typeof v === 'boolean'),
  ),
  store: must('request.store', 'a non-empty string or undefined', maybe(isNonEmptyString)),
  tabLock: must('request.tabLock', 'a non-empty string', isNonEmptyString),
  port: must('request.port', 'a MessagePort', (v) => v instanceof MessagePort),
};

const request: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `request must be an object, got ${arrived(value)}`;
  const fields = value as Record<string, unknown>;
  for (const [name, check] of Object.entries(requestFields)) {
    const problem = check(fields[name]);
    if (problem) return problem;
  }
  return undefined;
};

/** Every call of TabApi and its arguments in order: the worker answers these, and nothing else. */
const CALLS: Record<keyof TabApi, Check[]> = {
  attach: [request],
  subscribe: [
    topic,
    must(
      'from',
      'a non-negative safe integer or undefined',
      maybe((v) => Number.isSafeInteger(v) && (v as number) >= 0),
    ),
    must(
      'epoch',
      `a string of at most ${MAX_EPOCH_LENGTH} characters or undefined`,
      maybe((v) => isString(v) && v.length <= MAX_EPOCH_LENGTH),
    ),
  ],
  unsubscribe: [topic],
  send: [
    topic,
    anything,
    must(
      'id',
      `a non-empty string of at most ${MAX_ID_LENGTH} characters`,
      (v) => isString(v) && v.length > 0 && v.length <= MAX_ID_LENGTH,
    ),
  ],
  state: [],
  reconnect: [],
  resolve: [must('path', 'a string', isString)],
  requestPlan: [],
  requestAttempt: [index],
  requestFailed: [index, must('reason', 'a string', isString)],
  setLoadBalancing: [must('on', 'true or false', (v) => typeof v === 'boolean')],
  clearExpiry: [index],
  close: [],
};

export const CALL_NAMES = Object.keys(CALLS);

export function isCall(name: unknown): name is keyof TabApi {
  return typeof name === 'string' && Object.hasOwn(CALLS, name);
}

/** What is wrong with the first bad argument of `call`, naming the call, the argument and what arrived; or undefined. */
export function argumentProblem(call: keyof TabApi, values: unknown[]): string | undefined {
  const checks = CALLS[call];
  if (values.length > checks.length) return `${call}: takes ${checks.length} arguments, got ${values.length}`;
  for (const [i, check] of checks.entries()) {
    const problem = check(values[i]);
    if (problem) return `${call}: ${problem}`;
  }
  return undefined;
}

/** A value as an error message shows it: short, and never a long string from a page in full. */
export function arrived(value: unknown): string {
  if (typeof value === 'string')
    return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (typeof value !== 'object' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

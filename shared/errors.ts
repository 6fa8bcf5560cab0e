// Switchboard's errors: one class whose code a caller branches on, ConfigError, and how they cross the worker boundary.

import type { TransferHandler } from 'comlink';

/** What went wrong, for a caller to branch on (README.md, "Errors"). */
export type ErrorCode =
  | 'config'
  | 'closed'
  | 'queue-full'
  | 'nack'
  | 'timeout'
  | 'forbidden'
  | 'unavailable'
  | 'invalid-argument'
  | 'version'
  | 'worker-failed';

export class SwitchboardError extends Error {
  override name = 'SwitchboardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The bad field of a config error. */
    readonly path?: string,
  ) {
    super(message);
  }
}

/** A bad config, named by the path of the bad field. Its own class, so a caller may catch it alone. */
export class ConfigError extends SwitchboardError {
  override name = 'ConfigError';
  declare readonly path: string;
  constructor(path: string, problem: string) {
    super('config', `${path}: ${problem}`, path);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A thrown value as it crosses the worker boundary: structured clone keeps neither an error's class nor its code. */
interface ErrorData {
  name: string;
  message: string;
  code?: ErrorCode;
  path?: string;
}

/** Comlink's transferHandlers: its 'throw' handler carries what a call on the worker threw back to the page. */
type Handlers = Map<string, TransferHandler<unknown, unknown>>;

/** The worker's half of the 'throw' handler: a thrown value leaves as ErrorData. */
export function sendErrors(handlers: Handlers): void {
  handlers.set('throw', {
    ...handlers.get('throw')!,
    serialize(thrown) {
      const { value } = thrown as { value: unknown };
      // Only errors are thrown on purpose; anything else leaves as an Error that says what it was.
      const error: Error & Partial<SwitchboardError> = value instanceof Error ? value : new Error(String(value));
      const data: ErrorData = { name: error.name, message: error.message, code: error.code, path: error.path };
      return [data, []];
    },
  });
}

/** The page's half: ErrorData becomes a SwitchboardError (a ConfigError for 'config') with the same code and path. */
export function receiveErrors(handlers: Handlers): void {
  handlers.set('throw', {
    ...handlers.get('throw')!,
    deserialize(wire) {
      const { code, path } = wire as ErrorData;
      throw Object.assign(
        code === 'config' ? new ConfigError(path!, '') : code ? new SwitchboardError(code, '') : new Error(),
        wire,
      );
    },
  });
}

// Where a host tells what happens to it: one structured event per call, with fields and a sentence for humans.

/** The fields of an event: `event` names it; never a token or a message's data. */
export type LogFields = { event: string } & Record<string, unknown>;

/** The levels a host logs at; a pino logger is one. */
export interface Log {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

const nothing = () => {};

/** The log of a host given none: tests and embedders that start hosts in code hear nothing. */
export const SILENT: Log = { debug: nothing, info: nothing, warn: nothing, error: nothing };

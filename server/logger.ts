// The CLI's log: pino, one JSON line per event (level, time, host, event and its fields), or a short line for humans.

import { type DestinationStream, pino } from 'pino';
import type { Log } from './log.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Fields that may hold a token or a message's data: never written, whoever passes them by mistake. */
const SECRET = ['token', 'data', '*.token', '*.data'];

/** Fields every line has, which the pretty form puts first instead of repeating them as key=value. */
const LEADING = new Set(['level', 'time', 'host', 'event', 'msg']);

/** `host` is asked at each line, so a host listening on port 0 is named by the port it got. */
export function createLogger(host: () => string, level: LogLevel, format: LogFormat): Log {
  return pino(
    {
      level,
      base: null,
      mixin: () => ({ host: host() }),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET, censor: '[hidden]' },
    },
    format === 'pretty' ? pretty() : pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * `12:00:00.000 INFO  a draining: clients are told to move on clients=3`: the same events, one short line each.
 * A dozen lines here instead of pino-pretty, which would bring a dozen packages and a worker thread.
 */
function pretty(): DestinationStream {
  return {
    write(line: string) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const rest = Object.entries(entry)
        .filter(([key]) => !LEADING.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
      const time = String(entry.time).slice(11, 23);
      const head = `${time} ${String(entry.level).toUpperCase().padEnd(5)} ${String(entry.host)}`;
      process.stdout.write(`${[head, `[${String(entry.event)}]`, String(entry.msg), ...rest].join(' ')}\n`);
    },
  };
}

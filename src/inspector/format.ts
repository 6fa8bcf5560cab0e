// How the inspector words things: durations, clock times and one line per timeline event.

import type { TimelineEntry } from './snapshot.ts';

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 4 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`;
}

/** "14:03:09.125", local time. */
export function clock(at: number): string {
  const time = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
}

/** One line for a timeline entry; the detail comes from the page, so every field is turned into text here. */
export function describe({ event, detail }: Pick<TimelineEntry, 'event' | 'detail'>): string {
  const d = (detail && typeof detail === 'object' ? detail : {}) as Record<string, unknown>;
  const host = `${String(d.host)} (#${String(d.index)})`;
  switch (event) {
    case 'connect':
    case 'connected':
      return `${host} over ${String(d.type)}`;
    case 'connectFailed':
      return `${host} over ${String(d.type)}: ${String(d.reason)}`;
    case 'disconnected':
      return `${host}: ${String(d.reason)}`;
    case 'failed':
      return `${String(d.rounds)} rounds failed`;
    case 'gap':
      return `${String(d.topic)}: seq ${String(d.from)} to ${String(d.to)} lost`;
    case 'reset':
      return `${String(d.topic)}: history began again after seq ${String(d.last)}, now at ${String(d.seq)}`;
    case 'error':
      return `${String(d.what)}: ${String(d.reason)}`;
    default:
      // A panel's snapshot comes from the page and may hold anything.
      return JSON.stringify(detail) ?? '';
  }
}

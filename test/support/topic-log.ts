// A tab's log of one topic (seqs, gaps and resets in the order they arrived) and the check that it tells one story.

import type { Gap, Reset } from '../../src/index.ts';

/** One line of a tab's log of a topic: a message's seq, or a gap or reset event of that topic where it arrived. */
export type LogEntry = number | ({ event: 'gap' } & Gap) | ({ event: 'reset' } & Reset);

/**
 * Reads the log of a tab that subscribed before the topic's first message, as the tab lived it: each seq must be
 * the next one; a gap must start at the next seq, and the next is then the one after its `to`; a reset's `last`
 * must be the last seq the tab had (or a gap skipped), and the next is then its `seq + 1`. At the end the tab must
 * stand at `published`, the newest seq of the topic's history. Returns what does not fit, and where: the entry's
 * index in the log and the seq before it.
 */
export function logProblems(log: LogEntry[], published: number): string[] {
  const problems: string[] = [];
  let next = 1;
  for (const [i, entry] of log.entries()) {
    const at = `#${i} (after ${next - 1})`;
    if (typeof entry === 'number') {
      if (entry !== next) problems.push(`${at}: seq ${entry}`);
      next = entry + 1;
    } else if (entry.event === 'gap') {
      if (entry.from !== next || entry.to < entry.from) problems.push(`${at}: gap ${entry.from}-${entry.to}`);
      next = entry.to + 1;
    } else {
      if (entry.last !== next - 1) problems.push(`${at}: reset from ${entry.last}`);
      next = entry.seq + 1;
    }
  }
  if (next - 1 !== published) problems.push(`ends at ${next - 1}, but ${published} were published`);
  return problems;
}

/** The log's reset events, in order. */
export const resetsIn = (log: LogEntry[]): Reset[] =>
  log.flatMap((entry) => (typeof entry === 'object' && entry.event === 'reset' ? [entry] : []));

/** The log's gap events, in order. */
export const gapsIn = (log: LogEntry[]): Gap[] =>
  log.flatMap((entry) => (typeof entry === 'object' && entry.event === 'gap' ? [entry] : []));

/** `data`, one item per message of the log in the same order, cut at each reset: one list per history. */
export function histories<T>(log: LogEntry[], data: T[]): T[][] {
  const cut: T[][] = [[]];
  let message = 0;
  for (const entry of log) {
    if (typeof entry === 'number') cut.at(-1)!.push(data[message++]!);
    else if (entry.event === 'reset') cut.push([]);
  }
  return cut;
}

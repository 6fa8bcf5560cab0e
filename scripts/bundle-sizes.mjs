// The min+gzip size of the page entry and the worker against their budgets: shared by the build's size check and the benchmarks.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGETS = [
  // 3 KB until board.resolve, board.fetch (its loader; the request code is a chunk loaded on first use) and
  // Flowplayer's callbacks came in: they cost about 60 B more, which no further squeeze of the shim could pay for.
  // 3,200 B until a restart that finds another config closed the board and said why (about 45 B) and a topic reset
  // moved the page's last seq (about 25 B): a squeeze of the listeners' table paid back 5 B.
  // 3,300 B until a tab carried each topic's epoch, so that one resuming after its history began again is told of
  // a reset instead of taking old seqs for new ones (about 25 B), a call under way when the page entered the
  // back/forward cache ran again on the next link (about 25 B), and connect() got a start deadline (about 20 B).
  { file: 'dist/switchboard.min.js', what: 'page entry (with Comlink)', budget: 3350 },
  // 12 KB until the worker checked every call a page makes against an allow-list (about 0.9 KB) and kept its
  // promise against unkind hosts: subscriptions confirmed and retried, resets, replay for tabs behind, retried
  // unknown outcomes (about 1 KB). The worker loads once per origin, not once per tab.
  { file: 'dist/switchboard-worker.min.js', what: 'worker (with Comlink, idb-keyval)', budget: 14 * 1024 },
];

/** Each bundle's gzip -9 size in bytes, read from `root` (the project folder). */
export function bundleSizes(root = '.') {
  return BUDGETS.map((entry) => ({
    ...entry,
    size: gzipSync(readFileSync(`${root}/${entry.file}`), { level: 9 }).length,
  }));
}

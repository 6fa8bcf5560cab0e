// The min+gzip size of the page entry and the worker against their budgets: shared by the build's size check and the benchmarks.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGETS = [
  // 3 KB until board.resolve, board.fetch (its loader; the request code is a chunk loaded on first use) and
  // Flowplayer's callbacks came in: they cost about 60 B more, which no further squeeze of the shim could pay for.
  { file: 'dist/switchboard.min.js', what: 'page entry (with Comlink)', budget: 3200 },
  { file: 'dist/switchboard-worker.min.js', what: 'worker (with Comlink, idb-keyval)', budget: 12 * 1024 },
];

/** Each bundle's gzip -9 size in bytes, read from `root` (the project folder). */
export function bundleSizes(root = '.') {
  return BUDGETS.map((entry) => ({
    ...entry,
    size: gzipSync(readFileSync(`${root}/${entry.file}`), { level: 9 }).length,
  }));
}

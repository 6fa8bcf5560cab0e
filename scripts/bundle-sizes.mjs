// The min+gzip size of the page entry and the worker against their budgets: shared by the build's size check and the benchmarks.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGETS = [
  { file: 'dist/switchboard.min.js', what: 'page entry (with Comlink)', budget: 3 * 1024 },
  { file: 'dist/switchboard-worker.min.js', what: 'worker (with Comlink, idb-keyval)', budget: 12 * 1024 },
];

/** Each bundle's gzip -9 size in bytes, read from `root` (the project folder). */
export function bundleSizes(root = '.') {
  return BUDGETS.map((entry) => ({ ...entry, size: gzipSync(readFileSync(`${root}/${entry.file}`), { level: 9 }).length }));
}

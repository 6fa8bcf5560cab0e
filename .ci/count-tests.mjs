// Reads an `npm test` log and prints one line of its own, "N passed, N failed", from the runners' real counts.
import { readFileSync } from 'node:fs';

const [log, status] = process.argv.slice(2);
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC (\x1b) is what starts the ANSI colour codes stripped here.
const text = readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

// node:test ends with "# pass N" and "# fail N".
const nodeCount = (word) =>
  [...text.matchAll(new RegExp(`^ℹ? ?#? ?${word} (\\d+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
// web-test-runner redraws a progress line per browser; the last one of each holds its final counts.
const browsers = new Map();
for (const [, name, passed, failed] of text.matchAll(/^(\w+): *\|.*\| (\d+) passed, (\d+) failed/gm))
  browsers.set(name, [passed, failed]);
const browserCount = (i) => [...browsers.values()].reduce((sum, counts) => sum + Number(counts[i]), 0);

const passed = nodeCount('pass') + browserCount(0);
let failed = nodeCount('fail') + browserCount(1);
// A type error or a failed build stops npm test before any runner: count it, so the line never says all is well.
if (Number(status) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(Number(status));

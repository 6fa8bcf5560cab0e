// `npm run bench`: every benchmark against its alternative on loopback, a table on stdout, and bench/RESULTS.md.
// Exits 0 when a target is missed (the table says MISSED); non-zero only when the benchmark itself breaks.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startBrowser } from './browser.ts';
import { connections } from './connections.ts';
import type { Context } from './context.ts';
import { failover } from './failover.ts';
import { fanout } from './fanout.ts';
import { describeMachine } from './machine.ts';
import { describeRun, figure, markdownTable, type Result, type Run, textTable, writeSection } from './report.ts';
import { startServerProcess } from './server.ts';
import { sizes } from './sizes.ts';
import { median } from './stats.ts';
import { storm } from './storm.ts';

const BENCHMARKS: Record<string, (context: Context) => Promise<Result> | Result> = {
  connections,
  fanout,
  failover,
  storm,
  sizes,
};
const RESULTS = new URL('./RESULTS.md', import.meta.url);
/** Headline figures of earlier runs, so RESULTS.md can give the median across runs. */
const HISTORY = new URL('./runs.json', import.meta.url);
const KEPT_RUNS = 5;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const chosen = values.only?.split(',') ?? Object.keys(BENCHMARKS);
  const unknown = chosen.filter((name) => !(name in BENCHMARKS));
  if (unknown.length)
    throw new Error(`--only: no benchmark ${unknown.join(', ')} (there are ${Object.keys(BENCHMARKS).join(', ')})`);

  const began = Date.now();
  const server = await startServerProcess();
  const browser = await startBrowser().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const results: Result[] = [];
  try {
    const context: Context = { server, browser, log: (line) => console.log(`  ${line}`) };
    for (const name of chosen) {
      console.log(`bench: ${name}`);
      results.push(await BENCHMARKS[name]!(context));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const run: Run = {
    at: new Date().toISOString(),
    machine: describeMachine(browser.version),
    results,
    seconds: Math.round((Date.now() - began) / 1000),
  };
  console.log(`\n${describeRun(run)}\n\n${textTable(results)}\n`);
  // A partial run (--only) prints its figures but leaves RESULTS.md and the history alone.
  if (values.only) return;
  const history = remember(run);
  writeSection(RESULTS.pathname, resultsSection(run, history));
  console.log(`bench: wrote ${RESULTS.pathname}`);
}

type History = { at: string; values: Record<string, number> }[];

function remember(run: Run): History {
  const earlier: History = existsSync(HISTORY) ? (JSON.parse(readFileSync(HISTORY, 'utf8')) as History) : [];
  const values = Object.fromEntries(run.results.flatMap((result) => result.rows.map((row) => [row.id, row.value])));
  const history = [...earlier, { at: run.at, values }].slice(-KEPT_RUNS);
  writeFileSync(HISTORY, `${JSON.stringify(history, null, 1)}\n`);
  return history;
}

function resultsSection(run: Run, history: History): string {
  const rows = run.results.flatMap((result) => result.rows);
  const missed = rows.filter((row) => row.verdict === 'MISSED');
  const across = rows.map((row) => {
    const values = history.map((entry) => entry.values[row.id]).filter((value): value is number => value !== undefined);
    return `| ${row.benchmark.trim()} (${row.unit}) | ${values.map((value) => figure(value)).join(', ')} | ${figure(median(values))} |`;
  });
  return [
    '## Sharing and failover against the alternatives',
    '',
    `Written by \`npm run bench\` (bench/run.ts); do not edit between the markers. Last run: ${describeRun(run)}.`,
    '',
    'These figures come from a **shared 2-core machine** on which other engineers run tests at the same time: every comparison runs',
    'both sides in the same run, alternating, and reports medians and ratios, but absolute figures move from run to run.',
    '',
    markdownTable(run.results),
    '',
    missed.length === 0
      ? 'Every target was met in this run.'
      : `**Targets missed in this run:** ${missed.map((row) => `${row.benchmark.trim()}: ${row.switchboard} against ${row.target}`).join('; ')}. See "Profile" below for why and what would make them faster.`,
    '',
    `### Across runs (the headline figure of each row, last ${history.length} run${history.length > 1 ? 's' : ''}, oldest first)`,
    '',
    '| figure | runs | median |',
    '| --- | --- | --- |',
    ...across,
    '',
    '### Method',
    '',
    ...run.results.map((result) => `- **${result.title}.** ${result.method}`),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(`bench: broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

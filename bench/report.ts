// Benchmark figures as rows, printed as a table and written into bench/RESULTS.md between markers.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from './machine.ts';

export interface Row {
  /** Stable key: runs are compared by it. */
  id: string;
  benchmark: string;
  switchboard: string;
  alternative: string;
  /** Switchboard ÷ alternative. */
  ratio: string;
  target: string;
  verdict: 'met' | 'MISSED' | '';
  /** The headline number kept across runs (the Switchboard figure, or the ratio it is judged by). */
  value: number;
  unit: string;
}

/** What a benchmark hands back: its rows and how it measured them. */
export interface Result {
  title: string;
  method: string;
  rows: Row[];
}

export interface Run {
  at: string;
  machine: Machine;
  results: Result[];
  seconds: number;
}

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

/** A figure with few significant digits: 0.42, 3.1, 87, 12,400. */
export function figure(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const text =
    abs >= 100
      ? Math.round(value).toLocaleString('en-US')
      : abs >= 10
        ? value.toFixed(1)
        : abs >= 1
          ? value.toFixed(2)
          : value.toFixed(3);
  return unit ? `${text} ${unit}` : text;
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a';
}

export function verdict(met: boolean): Row['verdict'] {
  return met ? 'met' : 'MISSED';
}

const COLUMNS = ['benchmark', 'switchboard', 'alternative', 'ratio', 'target', 'verdict'] as const;
const HEADINGS = ['benchmark', 'Switchboard', 'alternative', 'ratio', 'target', 'verdict'];

/** The table for a terminal. */
export function textTable(results: Result[]): string {
  const rows = results.flatMap((result) => result.rows.map((row) => COLUMNS.map((column) => row[column])));
  const widths = HEADINGS.map((heading, i) => Math.max(heading.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(HEADINGS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function markdownTable(results: Result[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    `| ${HEADINGS.join(' | ')} |`,
    `|${HEADINGS.map(() => ' --- ').join('|')}|`,
    ...results.flatMap((result) =>
      result.rows.map(
        (row) =>
          `| ${COLUMNS.map((column) => cell(column === 'verdict' && row.verdict === 'MISSED' ? '**MISSED**' : row[column])).join(' | ')} |`,
      ),
    ),
  ].join('\n');
}

export function describeRun(run: Run): string {
  const { machine } = run;
  return `${run.at}, ${run.seconds} s; ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, load ${machine.load}; Node ${machine.node}, Chromium ${machine.chromium}`;
}

/** Replaces the part between the markers (or appends it), keeping the rest of the file as it is. */
export function writeSection(file: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const block = `${START}\n${section.trim()}\n${END}`;
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + END.length)
      : `${block}\n${text ? `\n${text}` : ''}`;
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

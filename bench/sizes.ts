// Benchmark 5: bundle sizes, min+gzip, against their budgets, as the build's size check measures them.

import { bundleSizes } from '../scripts/bundle-sizes.mjs';
import { figure, type Result } from './report.ts';

export function sizes(): Result {
  return {
    title: 'Bundle sizes',
    method:
      'gzip -9 of the minified bundles the build writes (scripts/bundle-sizes.mjs, the same figures the build checks).',
    rows: bundleSizes().map(({ file, what, budget, size }) => ({
      id: `size-${file}`,
      benchmark: `size: ${what}`,
      switchboard: `${size.toLocaleString('en-US')} B`,
      alternative: '',
      ratio: '',
      target: `≤ ${figure(budget / 1024)} KB`,
      verdict: size <= budget ? 'met' : 'MISSED',
      value: size,
      unit: 'B',
    })),
  };
}

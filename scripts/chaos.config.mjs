// web-test-runner config for `npm run chaos`: test/browser/chaos.test.ts alone, 30 s in each browser, with a random seed unless CHAOS_SEED is set.
import base from '../web-test-runner.config.mjs';

// The cluster plugin runs in this process and reads both for the test (chaos-config).
process.env.CHAOS_SECONDS ??= '30';
process.env.CHAOS_SEED ??= String(Math.floor(Math.random() * 2 ** 31));
console.log(`chaos: seed ${process.env.CHAOS_SEED}, ${process.env.CHAOS_SECONDS} s per browser`);

const files = ['test/browser/chaos.test.ts'];

export default {
  ...base,
  files,
  groups: base.groups.map((group) => ({ ...group, files })),
};

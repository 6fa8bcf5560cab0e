// web-test-runner config for `npm run long-session`: the long-session test alone, in Chromium, for LONG_SESSION_SECONDS (default 600).
import base from '../web-test-runner.config.mjs';

// The tabs plugin runs in this process and reads it for the test (long-session-config).
process.env.LONG_SESSION_SECONDS ??= '600';
const seconds = Number(process.env.LONG_SESSION_SECONDS);
console.log(`long session: ${seconds} s of tabs opening, subscribing and closing`);

export default {
  ...base,
  files: ['test/browser/chromium/long-session.test.ts'],
  groups: [],
  testsFinishTimeout: (seconds + 120) * 1000,
};

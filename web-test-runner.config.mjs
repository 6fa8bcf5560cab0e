// web-test-runner: every browser test in headless Debian Chromium, and in Firefox ESR where it is installed, against reference servers on loopback.
import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteer from 'puppeteer-core';
import { register } from 'tsx/esm/api';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(
    `No Chromium at ${executablePath}: install it (apt-get install -y chromium) or set CHROME_PATH to a Chromium or Chrome binary.`,
  );
  process.exit(1);
}

const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const firefox = existsSync(firefoxPath);
if (!firefox)
  console.warn(
    `No Firefox at ${firefoxPath}: browser tests run in Chromium only (apt-get install -y firefox-esr, or set FIREFOX_PATH).`,
  );

// The plugins are TypeScript: the cluster plugin runs the reference server inside this Node process.
register();
const { clusterPlugin } = await import('./test/plugins/cluster-plugin.ts');
const { tabsPlugin } = await import('./test/plugins/tabs-plugin.ts');

// End-to-end tests on real hosts. The unit tests of the logic on a fake clock need no browser: npm run test:unit runs them in Node.
const browserTests = ['test/browser/**/*.test.ts'];

export default {
  files: browserTests,
  nodeResolve: true,
  concurrency: 2,
  testsFinishTimeout: 240_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), clusterPlugin(), tabsPlugin()],
  // Firefox runs every test but those in test/browser/chromium/, which need the DevTools protocol (CDP).
  groups: firefox
    ? [
        {
          name: 'firefox',
          files: [...browserTests, '!test/browser/chromium/**'],
          browsers: [
            chromeLauncher({
              puppeteer,
              launchOptions: {
                browser: 'firefox',
                executablePath: firefoxPath,
                headless: true,
                // Test pages run side by side, so one is in the background: don't throttle its timers,
                // as puppeteer's --disable-background-timer-throttling does for Chromium.
                extraPrefsFirefox: {
                  'dom.min_background_timeout_value': 4,
                  'dom.min_background_timeout_value_without_budget_throttling': 4,
                  'dom.timeout.enable_budget_timer_throttling': false,
                },
              },
            }),
          ],
        },
      ]
    : [],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    }),
  ],
};

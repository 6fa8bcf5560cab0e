// web-test-runner: every browser test in headless Debian Chromium, with reference servers on loopback.
import { existsSync } from 'node:fs';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { register } from 'tsx/esm/api';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`No Chromium at ${executablePath}: install it (apt-get install -y chromium) or set CHROME_PATH to a Chromium or Chrome binary.`);
  process.exit(1);
}

// The plugins are TypeScript: the cluster plugin runs the reference server inside this Node process.
register();
const { clusterPlugin } = await import('./test/support/cluster-plugin.ts');
const { tabsPlugin } = await import('./test/support/tabs-plugin.ts');

export default {
  files: ['test/**/*.test.ts', '!test/server/**'],
  nodeResolve: true,
  concurrency: 2,
  testsFinishTimeout: 240_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), clusterPlugin(), tabsPlugin()],
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

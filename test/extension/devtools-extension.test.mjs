// Smoke test: the unpacked extension (dist/devtools/) in Chromium, real DevTools opened on the demo page, the Switchboard panel shown.
// Run by `npm run test:extension` (node:test) after `npm run build`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { until } from '../support/until.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const extension = `${root}dist/devtools`;
const { startDemo } = await import('../../server/demo.ts');

/** until() for checks that read DevTools' pages, which throw while those load: a throw means "not yet". */
const untilLoaded = (what, check) => until(what, () => check().catch(() => undefined), 20_000, 100);

let demo;
let browser;

before(async () => {
  assert.ok(existsSync(`${extension}/manifest.json`), `no extension at ${extension}: run npm run build first`);
  demo = await startDemo({ port: 0, rate: 5, root });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    // Puppeteer turns extensions off by default; DevTools opens with every tab, as a person would open it.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      `--load-extension=${extension}`,
      `--disable-extensions-except=${extension}`,
      '--auto-open-devtools-for-tabs',
    ],
  });
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test("the Switchboard panel in DevTools shows the inspected page's broker and follows a failover", async () => {
  for (const page of await browser.pages()) await page.close();
  const page = await browser.newPage();
  await page.goto(demo.url);
  // The page's DevTools window, then its Switchboard panel: DevTools shows a panel when asked through its own UI module.
  const devtools = await untilLoaded('DevTools for the page', async () =>
    (await browser.targets()).find((t) => t.url().startsWith('devtools://devtools/')),
  );
  const frontend = await devtools.asPage();
  const panelId = await untilLoaded('the Switchboard panel to be added', () =>
    frontend.evaluate(async () => {
      const { InspectorView } = await import('devtools://devtools/bundled/ui/legacy/legacy.js');
      const view = InspectorView.InspectorView.instance();
      const id = view.tabbedPane
        .tabIds()
        .find((tab) => tab.startsWith('chrome-extension://') && tab.endsWith('Switchboard'));
      if (id) await view.showPanel(id);
      return id;
    }),
  );
  assert.match(panelId, /^chrome-extension:\/\/[a-p]{32}Switchboard$/);
  const panel = await untilLoaded('the panel page', async () =>
    frontend.frames().find((frame) => frame.url().endsWith('/panel.html')),
  );

  const read = (name) =>
    panel.evaluate((field) => document.querySelector(`[data-field="${field}"]`)?.textContent, name);
  const host = await untilLoaded(
    'the panel to show a connected host',
    async () => (await read('status')) === 'connected' && (await read('host')),
  );
  assert.equal(await read('mode'), 'shared');
  const topics = await untilLoaded('the demo topics', () =>
    panel
      .evaluate(() =>
        [...document.querySelectorAll('[data-part="topics"] tbody tr td:first-child')].map((cell) => cell.textContent),
      )
      .then((list) => list.length === 4 && list),
  );
  assert.deepEqual(topics, ['ticks/EURUSD', 'ticks/GBPUSD', 'ticks/USDJPY', 'ticks/AUDUSD']);

  const hosts = await (await fetch(`${demo.url}control/hosts`)).json();
  const index = hosts.findIndex((h) => host.startsWith(`${h.url} `));
  await fetch(`${demo.url}control/hosts/${index}/kill`, { method: 'POST' });
  const next = await untilLoaded('the panel to show the failover', async () => {
    const now = await read('host');
    return (await read('status')) === 'connected' && now !== host && now;
  });
  assert.notEqual(next, host);
  const lines = await panel.evaluate(() =>
    [...document.querySelectorAll('[data-part="timeline"] li b')].map((b) => b.textContent),
  );
  assert.deepEqual(lines.slice(0, 3), ['connected', 'connect', 'disconnected']);
});

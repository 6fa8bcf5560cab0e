// `npm run screenshot`: the demo in two headless Chromium tabs, the connected host killed, and screenshots of the failover for README.
// Writes docs/inspector-failover.png (the inspector) and docs/demo-failover.png (the whole demo page). Needs `npm run build` first.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('../', import.meta.url));
register();
const { startDemo } = await import('../server/demo.ts');

/** Polls `check` in `page` until it returns a truthy value; fails after `ms` naming `what`. */
async function until(page, what, check, arg, ms = 20_000) {
  try {
    return await (await page.waitForFunction(check, { timeout: ms, polling: 100 }, arg)).jsonValue();
  } catch {
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}

const connectedHost = () => {
  const text = document.querySelector('[data-state="status"]')?.textContent;
  return text === 'connected' && document.querySelector('[data-state="host"]')?.textContent;
};

const demo = await startDemo({ port: 0, rate: 4, root });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--disable-background-networking',
  ],
  defaultViewport: { width: 1280, height: 1500 },
});
try {
  const tabs = [await browser.newPage(), await browser.newPage()];
  for (const tab of tabs) {
    tab.on('pageerror', (error) => console.error(`[page] ${error}`));
    await tab.goto(demo.url);
  }
  const before = await Promise.all(tabs.map((tab) => until(tab, 'the tab to connect', connectedHost)));
  console.log(`both tabs connected: ${before.join(' | ')}`);
  const hosts = await (await fetch(`${demo.url}control/hosts`)).json();
  const index = hosts.findIndex((host) => before[0].startsWith(host.url));
  await fetch(`${demo.url}control/hosts/${index}/kill`, { method: 'POST' });
  console.log(`killed host ${hosts[index].name} (${hosts[index].url})`);
  const after = await Promise.all(
    tabs.map((tab) =>
      until(
        tab,
        'the tab to fail over',
        (old) => {
          const host =
            document.querySelector('[data-state="status"]')?.textContent === 'connected' &&
            document.querySelector('[data-state="host"]')?.textContent;
          return host && host !== old && host;
        },
        before[0],
      ),
    ),
  );
  console.log(`both tabs failed over: ${after.join(' | ')}`);
  // Let a few prices arrive from the new host and the expiry countdown run, so the picture shows them.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  mkdirSync(`${root}docs`, { recursive: true });
  const clip = await tabs[0].evaluate(() => {
    const r = document.querySelector('switchboard-inspector').getBoundingClientRect();
    return { x: r.x, y: r.y + scrollY, width: r.width, height: r.height };
  });
  await tabs[0].screenshot({ path: `${root}docs/inspector-failover.png`, clip });
  await tabs[1].screenshot({ path: `${root}docs/demo-failover.png`, fullPage: true });
  console.log('wrote docs/inspector-failover.png and docs/demo-failover.png');
} finally {
  await browser.close();
  await demo.stop();
}

// Headless Chromium for the benchmarks: the built library and the benchmark tab served on loopback, and typed tabs.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type CDPSession, type Page } from 'puppeteer-core';
import type { BenchTab } from './page.ts';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // Tabs opened by puppeteer are not in front: without these, Chromium may throttle their timers.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

const root = fileURLToPath(new URL('..', import.meta.url));

/** One benchmark tab: `call('subscribe', 'x')` runs bench.subscribe('x') in it. */
export interface Tab {
  readonly page: Page;
  call<K extends keyof BenchTab>(
    method: K,
    ...args: Parameters<BenchTab[K]>
  ): Promise<Awaited<ReturnType<BenchTab[K]>>>;
}

export interface Bench {
  readonly version: string;
  /** `count` tabs, each freshly loaded: whatever the last trial left (workers, sockets) is gone. */
  tabs(count: number): Promise<Tab[]>;
  /** A DevTools session on the running shared worker (for profiling). */
  worker(): Promise<CDPSession>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<Bench> {
  const script = await bundlePage();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://bench').pathname;
    if (path === '/bench/page.html')
      return send(
        response,
        'text/html',
        '<!doctype html><meta charset="utf-8"><script type="module" src="/bench/page.js"></script>',
      );
    if (path === '/bench/page.js') return send(response, 'text/javascript', script);
    const file = normalize(join(root, path));
    if (!file.startsWith(join(root, 'dist') + sep)) return send(response, 'text/plain', 'not found', 404);
    readFile(file).then(
      (body) => send(response, file.endsWith('.js') ? 'text/javascript' : 'application/json', body),
      () => send(response, 'text/plain', 'not found', 404),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    protocolTimeout: 120_000,
  });
  const pages: Page[] = [];
  return {
    version: await browser.version(),
    async tabs(count) {
      while (pages.length < count) pages.push(await browser.newPage());
      // Away first, every page at once, so no worker of the last trial survives into this one.
      await Promise.all(pages.map((page) => page.goto('about:blank')));
      return Promise.all(
        pages.slice(0, count).map(async (page) => {
          await page.goto(`${origin}/bench/page.html`);
          await page.waitForFunction('globalThis.bench !== undefined');
          return tab(page);
        }),
      );
    },
    async worker() {
      const target = await browser.waitForTarget((t) => t.type() === 'shared_worker', { timeout: 10_000 });
      return target.createCDPSession();
    },
    async close() {
      await browser.close();
      await closeServer(server);
    },
  };
}

function tab(page: Page): Tab {
  return {
    page,
    call: (method, ...args) =>
      page.evaluate(
        (name, list) =>
          (globalThis as unknown as { bench: Record<string, (...a: unknown[]) => unknown> }).bench[name]!(...list),
        method,
        args,
      ) as never,
  };
}

/** bench/page.ts for the browser, with the library taken from the build as it ships. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'bench/page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    plugins: [
      {
        name: 'built-library',
        setup(plugin) {
          plugin.onResolve({ filter: /\/src\/index\.ts$/ }, () => ({ path: '/dist/switchboard.js', external: true }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

function send(response: import('node:http').ServerResponse, type: string, body: string | Buffer, status = 200): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// A web-test-runner plugin that gives browser tests more tabs of their origin, through puppeteer and CDP.

import type { TestRunnerPlugin } from '@web/test-runner-core';
import type { CDPSession, Page } from 'puppeteer-core';
import type { TabCommand, WorkerProbe, WorkerSnapshot } from './commands.ts';

interface Launcher {
  type: string;
  getPage(sessionId: string): Page;
}

/** Every tab the tests opened, closed when the run ends. */
const tabs = new Map<number, Page>();
let nextId = 1;

export function tabsPlugin(): TestRunnerPlugin {
  return {
    name: 'switchboard-tabs',
    async executeCommand({ command, payload, session }) {
      // How long the long-session test runs: LONG_SESSION_SECONDS (npm run long-session), or its short version.
      if (command === 'long-session-config') return { seconds: Number(process.env.LONG_SESSION_SECONDS ?? 0) };
      if (!command.startsWith('tab-') && !command.startsWith('worker-')) return undefined;
      const launcher = session.browser as unknown as Launcher;
      if (launcher.type !== 'puppeteer')
        throw new Error(`${command}: needs a puppeteer browser (Chromium), not ${launcher.type}`);
      const testPage = launcher.getPage(session.id);
      const { command: name, payload: args } = { command, payload } as TabCommand;
      switch (name) {
        case 'tab-open': {
          const page = await testPage.browserContext().newPage();
          page.on('pageerror', (error) => console.error(`[tab] ${error}`));
          await page.goto(new URL(args.url, testPage.url()).href);
          const id = nextId++;
          tabs.set(id, page);
          return id;
        }
        case 'tab-eval':
          return tab(args.id).evaluate(args.expression);
        case 'tab-navigate':
          await tab(args.id).goto(new URL(args.url, testPage.url()).href);
          return true;
        case 'tab-close': {
          // Closing twice (a test, then its fixture's cleanup) is fine: false says it was closed already.
          const page = tabs.get(args.id);
          tabs.delete(args.id);
          await page?.close();
          return page !== undefined;
        }
        case 'tab-crash': {
          const page = tab(args.id);
          const cdp = await page.createCDPSession();
          // Page.crash never answers: the renderer is gone. Puppeteer reports the crash as an 'error'. A tab that did
          // not crash fails the command, and is left open: closing it would say goodbye, and a test would pass on that.
          const crashed = new Promise<boolean>((resolve) => page.once('error', () => resolve(true)));
          void cdp.send('Page.crash').catch(() => undefined);
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), 15_000);
          });
          const didCrash = await Promise.race([crashed, late]);
          clearTimeout(timer);
          if (!didCrash) throw new Error(`tab-crash: tab ${args.id} did not crash within 15 s of Page.crash`);
          tabs.delete(args.id);
          // A crashed page has no renderer to say goodbye from: closing it only frees its target.
          await page.close().catch(() => undefined);
          return true;
        }
        case 'worker-kill': {
          const cdp = await testPage.browser().target().createCDPSession();
          const { targetInfos } = await cdp.send('Target.getTargets');
          const workers = targetInfos.filter(
            (t) => t.type === 'shared_worker' && t.url.includes(encodeURIComponent(args.name)),
          );
          for (const worker of workers) await cdp.send('Target.closeTarget', { targetId: worker.targetId });
          await cdp.detach();
          return workers.length;
        }
        case 'worker-probe': {
          const cdp = await workerSession(testPage, args.name, name);
          await cdp.send('HeapProfiler.collectGarbage');
          const { usedSize } = await cdp.send('Runtime.getHeapUsage');
          // The array queryObjects returns holds every port it counts until its group is released: release it, or a port
          // that happened to be alive during one probe would never be collected.
          const objectGroup = 'worker-probe';
          const prototype = await cdp.send('Runtime.evaluate', { expression: 'MessagePort.prototype', objectGroup });
          const { objects } = await cdp.send('Runtime.queryObjects', {
            prototypeObjectId: prototype.result.objectId!,
            objectGroup,
          });
          await cdp.send('Runtime.releaseObjectGroup', { objectGroup });
          const ports = Number(/\((\d+)\)/.exec(objects.description ?? '')?.[1] ?? NaN);
          return { heapBytes: usedSize, ports } satisfies WorkerProbe;
        }
        case 'worker-snapshot': {
          const cdp = await workerSession(testPage, args.name, name);
          await cdp.send('HeapProfiler.collectGarbage');
          const chunks: string[] = [];
          const collect = ({ chunk }: { chunk: string }) => void chunks.push(chunk);
          cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
          await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
          cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
          return summarise(JSON.parse(chunks.join('')) as HeapSnapshot);
        }
      }
    },
    async serverStop() {
      await Promise.all([...tabs.values()].map((page) => page.close().catch(() => undefined)));
      tabs.clear();
    },
  };
}

/** The CDP session of the SharedWorker named `name`, for `command`. */
async function workerSession(testPage: Page, name: string, command: string): Promise<CDPSession> {
  const target = testPage
    .browser()
    .targets()
    .find((t) => t.type() === 'shared_worker' && t.url().includes(encodeURIComponent(name)));
  const worker = await target?.worker();
  if (!worker) throw new Error(`${command}: no shared worker named ${name}`);
  return worker.client;
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Counts a snapshot's nodes by type and name; strings and numbers by type alone, since their name is their value. */
function summarise({ snapshot: { meta }, nodes, strings }: HeapSnapshot): WorkerSnapshot {
  const width = meta.node_fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => meta.node_fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  const types = meta.node_types[0];
  const summary: WorkerSnapshot = {};
  for (let node = 0; node < nodes.length; node += width) {
    const type = types[nodes[node + typeAt]!]!;
    const key = /string|number|bigint/.test(type) ? type : `${type}:${strings[nodes[node + nameAt]!]!.slice(0, 80)}`;
    const entry = summary[key] ?? { count: 0, bytes: 0 };
    summary[key] = entry;
    entry.count++;
    entry.bytes += nodes[node + sizeAt]!;
  }
  return summary;
}

function tab(id: number): Page {
  const page = tabs.get(id);
  if (!page) throw new Error(`no tab ${id}: it was closed, or never opened`);
  return page;
}

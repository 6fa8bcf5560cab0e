// `npm run bench:profile`: where the time goes on the per-message path (CPU profiles of the worker and a tab
// during a fan-out burst, and batch sizes) and on the failover path (each step's time after a reset).

import type { CDPSession } from 'puppeteer-core';
import { until } from '../test/support/until.ts';
import { startBrowser, type Tab } from './browser.ts';
import { type Context, freshName } from './context.ts';
import { failOnce } from './failover.ts';
import { startServerProcess } from './server.ts';
import { median } from './stats.ts';

const TABS = 4;
const BURST = 20_000;
const FAILOVERS = 3;
const TOP = 12;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  const browser = await startBrowser();
  try {
    const context: Context = { server, browser, log: (line) => console.log(line) };
    await messagePath(context);
    await failoverPath(context);
  } finally {
    await browser.close();
    await server.close();
  }
}

async function messagePath({ server, browser }: Context): Promise<void> {
  const [url] = await server.call('start', { hosts: 1, heartbeat: 15_000 });
  const tabs = await browser.tabs(TABS);
  const name = freshName('profile');
  for (const tab of tabs) {
    await tab.call('countBatches');
    await tab.call('switchboard', { hosts: [url!], types: ['ws'] }, name);
    await tab.call('subscribe', 'fan');
  }
  await until('the topic upstream', async () => (await server.call('counts'))[0]!.topics === 1, 20_000);
  // Warm: the first messages compile the path.
  await burst(server, tabs, 2000);
  const worker = await browser.worker();
  const page = await tabs[0]!.page.createCDPSession();
  for (const session of [worker, page]) await startProfile(session);
  const seconds = await burst(server, tabs, BURST);
  const [workerProfile, pageProfile] = await Promise.all([worker, page].map(stopProfile));
  const batches = await Promise.all(tabs.map((tab) => tab.call('batches')));
  const posts = batches.reduce((sum, b) => sum + b.posts, 0);
  const messages = batches.reduce((sum, b) => sum + b.messages, 0);
  console.log(
    `\n== per-message path: ${BURST.toLocaleString('en-US')} messages to ${TABS} tabs in ${seconds.toFixed(2)} s ` +
      `(${Math.round(BURST / seconds)} msg/s per tab)`,
  );
  console.log(
    `batches: ${posts} posts carried ${messages} messages to ${TABS} tabs, ${(messages / posts).toFixed(2)} messages per post`,
  );
  summarize('shared worker', workerProfile!, BURST);
  summarize('tab 0 (page shim)', pageProfile!, BURST);
}

/** Publishes `count` messages and resolves the seconds until the slowest tab has them all. */
async function burst(server: Context['server'], tabs: Tab[], count: number): Promise<number> {
  await Promise.all(tabs.map((tab) => tab.call('watch', { expect: count })));
  const start = await server.call('burst', { topic: 'fan', count });
  const done = await Promise.all(
    tabs.map((tab) => until('the burst in a tab', async () => (await tab.call('seen')).doneAt, 60_000, 50)),
  );
  return (Math.max(...done) - start) / 1000;
}

async function startProfile(session: CDPSession): Promise<void> {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
}

async function stopProfile(session: CDPSession): Promise<Profile> {
  const { profile } = await session.send('Profiler.stop');
  await session.detach();
  return profile as Profile;
}

/** Self time by function, the largest first, and per message. */
function summarize(what: string, profile: Profile, messages: number): void {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
    const key = url ? `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1}` : functionName;
    const micros = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + micros);
    total += micros;
  });
  const idle = self.get('(idle)') ?? 0;
  const busy = total - idle;
  console.log(
    `\n${what}: ${(busy / 1000).toFixed(0)} ms busy of ${(total / 1000).toFixed(0)} ms, ${(busy / messages).toFixed(2)} µs per message`,
  );
  for (const [key, micros] of [...self]
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)) {
    console.log(
      `  ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(1).padStart(7)} ms  ${key}`,
    );
  }
}

/** Each step of a failover after a reset with 3 dead hosts, from the board's events, in ms after the death. */
async function failoverPath(context: Context): Promise<void> {
  const steps = new Map<string, number[]>();
  for (let trial = 0; trial < FAILOVERS; trial++) {
    const { total } = await failOnce(context, { how: 'reset', dead: 3 }, 'switchboard', async (tab, at) => {
      const events = (await tab.call('events')).filter(([, time]) => time > at);
      events.forEach(([name, time, detail], i) => {
        const key = `${i + 1}. ${name} ${(detail as { index?: number }).index ?? ''}`;
        steps.set(key, [...(steps.get(key) ?? []), time - at]);
      });
    });
    steps.set('first message from the next host', [...(steps.get('first message from the next host') ?? []), total]);
  }
  console.log(`\n== failover path: reset with 3 dead hosts (types ['ws']), median of ${FAILOVERS}, ms after the death`);
  for (const [step, times] of steps) console.log(`  ${median(times).toFixed(1).padStart(7)} ms  ${step}`);
}

main().catch((error: unknown) => {
  console.error(`bench:profile: broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

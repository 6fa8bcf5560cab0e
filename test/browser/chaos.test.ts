// Chaos: 3 hosts, 4 tabs, 20 topics at 1,000 msg/s and tabs sending, while a seeded driver kills, blackholes, drains and restarts hosts.

import { expect } from '@esm-bundle/chai';
import { type Cluster, chaosConfig, type HostState } from '../support/cluster.ts';
import { clusterWithTabs } from '../support/fixture.ts';
import { testOptions } from '../support/options.ts';
import { seededRandom } from '../support/random.ts';
import { range, type TestTab } from '../support/tabs.ts';
import { until } from '../support/until.ts';

const HOSTS = 3;
/** Each host is reached by its own connection type, so failovers cross them. */
const TYPES = ['ws', 'http', 'poll'] as const;
const TOPICS = Array.from({ length: 20 }, (_, i) => `ticks/feed${i}`);
const RATE = 1000;
const ORDERS = 'chaos/orders';
/** Each tab sends one order every this many ms, without waiting for the ack. */
const SEND_EVERY = 100;
/** Worker `error` events the chaos may cause: none. Kills, blackholes and drains are failovers, not protocol errors. */
const EXPECTED_ERRORS: string[] = [];
const ACTIONS = ['kill', 'blackhole', 'drain', 'restart'] as const;
type Action = (typeof ACTIONS)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The host the worker is connected to, if any: switches on the others cause no failover. */
async function connected(cluster: Cluster): Promise<number | undefined> {
  const counts = await Promise.all(cluster.hosts.map((_, host) => cluster.counts(host)));
  const host = counts.findIndex(({ connections }) => connections.ws + connections.http + connections.poll > 0);
  return host < 0 ? undefined : host;
}

/**
 * Turns switches at random for `seconds`: every 200-800 ms one host (half the time the connected one) is killed,
 * blackholed, drained or restarted; a host that is not up is restarted. At most two hosts are out at once, so one
 * is always up; all are up at the end. The seed fixes every draw; which host is connected depends on timing.
 */
async function drive(cluster: Cluster, seed: number, seconds: number): Promise<Record<Action, number>> {
  const random = seededRandom(seed);
  const states: HostState[] = Array.from({ length: HOSTS }, () => 'up');
  const done: Record<Action, number> = { kill: 0, blackhole: 0, drain: 0, restart: 0 };
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(200 + random() * 600);
    const target = random() < 0.5 ? await connected(cluster) : undefined;
    const drawn = Math.floor(random() * HOSTS);
    const host = target ?? drawn;
    let action: Action = states[host] === 'up' ? ACTIONS[Math.floor(random() * ACTIONS.length)]! : 'restart';
    const out = states.filter((state) => state !== 'up').length;
    if ((action === 'kill' || action === 'blackhole') && out === HOSTS - 1) action = 'drain';
    await cluster[action](host);
    states[host] = action === 'kill' ? 'down' : action === 'blackhole' ? 'blackholed' : 'up';
    done[action]++;
  }
  for (const [host, state] of states.entries()) if (state !== 'up') await cluster.restart(host);
  return done;
}

/** What went wrong with one tab's seqs of a topic that should be 1..published. */
function seqProblems(seqs: number[], published: number): string[] {
  const seen = new Set<number>();
  const problems: string[] = [];
  for (const [i, seq] of seqs.entries()) {
    if (seen.has(seq)) problems.push(`seq ${seq} twice`);
    else if (i > 0 && seq < seqs[i - 1]!) problems.push(`seq ${seq} after ${seqs[i - 1]}`);
    seen.add(seq);
  }
  const lost = range(1, published).filter((seq) => !seen.has(seq));
  if (lost.length > 0) problems.push(`${lost.length} lost (first ${lost.slice(0, 5).join(', ')})`);
  if (seqs.some((seq) => seq > published)) problems.push(`seqs past ${published}`);
  return problems.slice(0, 5);
}

const counts = (tab: TestTab, topics: string[]) =>
  tab.eval<number[]>(`${JSON.stringify(topics)}.map((topic) => tab.seqs(topic).length)`);

describe('chaos', () => {
  const fixture = clusterWithTabs();

  it('every tab gets every seq once and in order, and every send is published once, while hosts fail at random', async function () {
    const { seconds, seed } = await chaosConfig();
    this.timeout(seconds * 1000 + 60_000);
    console.log(
      `chaos: seed ${seed}, ${seconds} s; replay with CHAOS_SEED=${seed} CHAOS_SECONDS=${seconds} npm run chaos`,
    );
    const cluster = await fixture.cluster({ hosts: HOSTS, heartbeat: 300 });
    // Fail over fast, and never give up: a host is always up, so the broker must keep finding it.
    const options = testOptions({
      hosts: cluster.hosts.map((url, i) => ({ url, types: [TYPES[i]!] })),
      connectTimeout: 500,
      reconnectDelay: 100,
      maxReconnectDelay: 500,
      failureExpiry: 500,
      connectCount: 1_000_000,
    });
    const tabs = await fixture.tabsOn(4, options, ORDERS);
    await Promise.all(tabs.map((tab) => tab.eval(`tab.subscribeAll(${JSON.stringify(TOPICS)})`)));
    const everyTopic = [ORDERS, ...TOPICS];
    await until('a host to hold every topic', async () => {
      const held = await Promise.all(cluster.hosts.map((_, host) => cluster.counts(host)));
      return held.some(({ subscribers }) => everyTopic.every((topic) => subscribers[topic] === 1));
    });

    expect(await cluster.feed(TOPICS.length, RATE)).to.deep.equal(TOPICS);
    await Promise.all(
      tabs.map((tab, i) => tab.eval(`tab.sendEvery(${JSON.stringify(ORDERS)}, ${SEND_EVERY}, 'tab${i}')`)),
    );
    const actions = await drive(cluster, seed, seconds);
    const sends = await Promise.all(tabs.map((tab) => tab.eval<string[]>('tab.stopSending()')));
    const published = await cluster.stopFeed();
    const total = Object.values(published).reduce((sum, n) => sum + n, 0);
    const sent = sends.reduce((sum, results) => sum + results.length, 0);

    const expected = [sent, ...TOPICS.map((topic) => published[topic]!)];
    // A tab that never catches up is not an error here: the checks below say what it lost.
    const caughtUp = async (tab: TestTab) => (await counts(tab, everyTopic)).every((n, t) => n >= expected[t]!);
    await until(
      'every tab to receive everything published',
      async () => (await Promise.all(tabs.map(caughtUp))).every(Boolean),
      20_000,
    ).catch(() => undefined);
    const problems: string[] = [];
    for (const [i, tab] of tabs.entries()) {
      for (const [t, topic] of everyTopic.entries()) {
        for (const problem of seqProblems(await tab.eval<number[]>(`tab.seqs(${JSON.stringify(topic)})`), expected[t]!))
          problems.push(`tab ${i} ${topic}: ${problem}`);
      }
    }
    for (const [i, results] of sends.entries()) {
      const failed = results.filter((result) => result !== 'ok');
      if (failed.length > 0)
        problems.push(`tab ${i}: ${failed.length} of ${results.length} sends failed (${failed[0]})`);
    }
    // Every send's payload exactly once among the messages published on the orders topic.
    const orders = (await tabs[0]!.eval<{ from: string; n: number }[]>(`tab.data(${JSON.stringify(ORDERS)})`)).map(
      ({ from, n }) => `${from}#${n}`,
    );
    const wanted = sends.flatMap((results, i) => results.map((_, n) => `tab${i}#${n + 1}`));
    const missing = wanted.filter((order) => !orders.includes(order));
    const twice = orders.filter((order, i) => orders.indexOf(order) !== i);
    if (missing.length > 0)
      problems.push(`${missing.length} sends never published (${missing.slice(0, 5).join(', ')})`);
    if (twice.length > 0) problems.push(`${twice.length} sends published twice (${twice.slice(0, 5).join(', ')})`);
    const events = await tabs[0]!.eval<[string, { what?: string; reason?: string }][]>('tab.events()');
    const errors = events.filter(([name, detail]) => name === 'error' && !EXPECTED_ERRORS.includes(detail.what ?? ''));
    const gaps = events.filter(([name]) => name === 'gap');
    for (const [, detail] of errors) problems.push(`worker error ${detail.what}: ${detail.reason}`);
    if (gaps.length > 0) problems.push(`${gaps.length} gap events`);
    const failovers = events.filter(([name]) => name === 'connected').length;

    console.log(
      `chaos: seed ${seed}, ${seconds} s: ${JSON.stringify(actions)}, ${failovers} connections; ` +
        `${total} messages on ${TOPICS.length} topics (${Math.round(total / seconds)}/s), ${sent} sends; ` +
        `${problems.length === 0 ? 'every tab got every seq once and in order, every send published once, no worker error' : `${problems.length} problems`}`,
    );
    expect(problems, `chaos seed ${seed}`).to.deep.equal([]);
  });
});

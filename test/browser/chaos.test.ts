// Chaos: 3 hosts, 4 tabs, 20 topics at 1,000 msg/s and tabs sending, while a seeded driver throws hosts' switches, wipes the history and sends tabs to the back/forward cache.

import { expect } from '@esm-bundle/chai';
import { drive } from '../support/chaos-driver.ts';
import { chaosConfig } from '../support/cluster.ts';
import { clusterWithTabs } from '../support/fixture.ts';
import { testOptions } from '../support/options.ts';
import type { TestTab } from '../support/tabs.ts';
import { gapsIn, histories, type LogEntry, logProblems, resetsIn } from '../support/topic-log.ts';
import { until } from '../support/until.ts';

const HOSTS = 3;
/** Each host is reached by its own connection type, so failovers cross them. */
const TYPES = ['ws', 'http', 'poll'] as const;
const TOPICS = Array.from({ length: 20 }, (_, i) => `ticks/feed${i}`);
const RATE = 1000;
const ORDERS = 'chaos/orders';
const EVERY_TOPIC = [ORDERS, ...TOPICS];
/** Each tab sends one order every this many ms, without waiting for the ack. */
const SEND_EVERY = 100;
/** Worker `error` events the chaos may cause: none. Kills, blackholes, drains and wipes are not protocol errors. */
const EXPECTED_ERRORS: string[] = [];
/** Problems listed per tab and topic: the first ones say what went wrong. */
const FIRST = 5;

/** Where a tab stands on a topic after its log's last entry: the seq it got, or where a gap or reset moved it. */
const standsAt = (entry: LogEntry | null) =>
  entry === null ? 0 : typeof entry === 'number' ? entry : entry.event === 'gap' ? entry.to : entry.seq;

const lastEntries = (tab: TestTab) =>
  tab.eval<(LogEntry | null)[]>(`${JSON.stringify(EVERY_TOPIC)}.map((topic) => tab.log(topic).at(-1) ?? null)`);

const logsOf = (tab: TestTab) =>
  tab.eval<Record<string, LogEntry[]>>(
    `Object.fromEntries(${JSON.stringify(EVERY_TOPIC)}.map((topic) => [topic, tab.log(topic)]))`,
  );

/** The payloads that appear more than once in one list. */
const twiceIn = (items: string[]) => items.filter((item, i) => items.indexOf(item) !== i);

describe('chaos', () => {
  const fixture = clusterWithTabs();

  it('every tab gets every seq once and in order or inside a reset, and every send is published once, while hosts fail, the history is wiped and tabs leave for the back/forward cache', async function () {
    const { seconds, seed } = await chaosConfig();
    this.timeout(seconds * 1000 + 90_000);
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
    await until('a host to hold every topic', async () => {
      const held = await Promise.all(cluster.hosts.map((_, host) => cluster.counts(host)));
      return held.some(({ subscribers }) => EVERY_TOPIC.every((topic) => subscribers[topic] === 1));
    });

    expect(await cluster.feed(TOPICS.length, RATE)).to.deep.equal(TOPICS);
    await Promise.all(
      tabs.map((tab, i) => tab.eval(`tab.sendEvery(${JSON.stringify(ORDERS)}, ${SEND_EVERY}, 'tab${i}')`)),
    );
    const { done, wiped } = await drive(cluster, tabs, EVERY_TOPIC, seed, seconds);
    const sends = await Promise.all(tabs.map((tab) => tab.eval<string[]>('tab.stopSending()')));
    // Where the history stands at the end: the feed's count on each topic, and on the orders topic the seq of one
    // last message, published once every send has resolved.
    const published: Record<string, number> = {
      ...(await cluster.stopFeed()),
      [ORDERS]: await cluster.publish(ORDERS, { from: 'end', n: 0 }),
    };
    const sent = sends.reduce((sum, results) => sum + results.length, 0);

    // A tab that never catches up is not an error here: the checks below say what it lost.
    const caughtUp = async (tab: TestTab) =>
      (await lastEntries(tab)).every((entry, t) => standsAt(entry) >= published[EVERY_TOPIC[t]!]!);
    await until(
      'every tab to receive everything published',
      async () => (await Promise.all(tabs.map(caughtUp))).every(Boolean),
      20_000,
    ).catch(() => undefined);

    const problems: string[] = [];
    const logs = await Promise.all(tabs.map(logsOf));
    for (const [i, byTopic] of logs.entries()) {
      for (const topic of EVERY_TOPIC) {
        const log = byTopic[topic]!;
        const where = `tab ${i} ${topic}`;
        for (const problem of logProblems(log, published[topic]!).slice(0, FIRST)) problems.push(`${where} ${problem}`);
        // The worker's replayLimit covers the longest stay in the cache, and hosts keep the whole run: no gap.
        const gaps = gapsIn(log);
        if (gaps.length > 0) problems.push(`${where}: ${gaps.length} gaps (first ${JSON.stringify(gaps[0])})`);
        const resets = resetsIn(log);
        if (resets.length !== wiped.length)
          problems.push(`${where}: ${resets.length} resets for ${wiped.length} wipes`);
        for (const [k, reset] of resets.entries()) {
          const newest = wiped[k]?.[topic] ?? Number.POSITIVE_INFINITY;
          if (reset.last > newest)
            problems.push(`${where}: reset ${k + 1} from ${reset.last}, past the wiped ${newest}`);
        }
      }
    }
    // What each wipe took before the worker had it: the wiped history's newest seq past the reset's `last` (tab 0).
    const lost = (topic: string) =>
      resetsIn(logs[0]![topic]!).reduce((sum, reset, k) => sum + (wiped[k]?.[topic] ?? reset.last) - reset.last, 0);

    for (const [i, results] of sends.entries()) {
      const failed = results.filter((result) => result !== 'ok');
      if (failed.length > 0)
        problems.push(`tab ${i}: ${failed.length} of ${results.length} sends failed (${failed[0]})`);
    }
    // Every send's payload once among the messages of the orders topic: once in each history, since a send in flight
    // when the history was wiped may be published in both (no dedupe survives a wipe). A send acked by a wiped history
    // whose message the worker never got is lost with it, so as many sends as the wipes took may be missing.
    const data = await tabs[0]!.eval<{ from: string; n: number }[]>(`tab.data(${JSON.stringify(ORDERS)})`);
    const orders = histories(
      logs[0]![ORDERS]!,
      data.map(({ from, n }) => `${from}#${n}`),
    );
    const wanted = sends.flatMap((results, i) => results.map((_, n) => `tab${i}#${n + 1}`));
    const seen = new Set(orders.flat());
    const missing = wanted.filter((order) => !seen.has(order));
    const twice = orders.flatMap(twiceIn);
    if (missing.length > lost(ORDERS))
      problems.push(
        `${missing.length} sends never published, ${lost(ORDERS)} lost in wipes (${missing.slice(0, 5).join(', ')})`,
      );
    if (twice.length > 0)
      problems.push(`${twice.length} sends published twice in one history (${twice.slice(0, 5).join(', ')})`);
    const events = await tabs[0]!.eval<[string, { what?: string; reason?: string }][]>('tab.events()');
    const errors = events.filter(([name, detail]) => name === 'error' && !EXPECTED_ERRORS.includes(detail.what ?? ''));
    for (const [, detail] of errors) problems.push(`worker error ${detail.what}: ${detail.reason}`);
    const failovers = events.filter(([name]) => name === 'connected').length;
    const total = TOPICS.reduce(
      (sum, topic) => sum + published[topic]! + wiped.reduce((wipedSum, newest) => wipedSum + newest[topic]!, 0),
      0,
    );
    const lostInWipes = EVERY_TOPIC.reduce((sum, topic) => sum + lost(topic), 0);

    console.log(
      `chaos: seed ${seed}, ${seconds} s: ${JSON.stringify(done)}, ${failovers} connections; ` +
        `${total} messages on ${TOPICS.length} topics (${Math.round(total / seconds)}/s), ${lostInWipes} lost in wipes, ${sent} sends; ` +
        `${problems.length === 0 ? 'every tab got every seq once and in order or inside a reset, every send published once, no gap, no worker error' : `${problems.length} problems`}`,
    );
    expect(problems, `chaos seed ${seed}`).to.deep.equal([]);
  });
});

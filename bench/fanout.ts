// Benchmark 2: fan-out to 4 tabs, Switchboard against a direct WebSocket per tab: throughput, and added latency at 1,000 msg/s.

import { until } from '../test/support/until.ts';
import type { Tab } from './browser.ts';
import { type Context, freshName } from './context.ts';
import { figure, type Result, type Row, ratio, verdict } from './report.ts';
import { alternate, median, percentile } from './stats.ts';

const TABS = 4;
const BURST = 10_000;
const BURST_ROUNDS = 5;
const RATE = 1000;
const PACED_MS = 2000;
const PACED_ROUNDS = 5;

type Side = 'switchboard' | 'direct';

/** Each round's percentiles, by side. */
type Latency = Record<Side, Record<50 | 99, number[]>>;

export async function fanout({ server, browser, log }: Context): Promise<Result> {
  const [url] = await server.call('start', { hosts: 1, heartbeat: 15_000 });
  // Both sides set up once, in tabs of their own and on topics of their own; the idle side costs nothing.
  const all = await browser.tabs(2 * TABS);
  const tabs: Record<Side, Tab[]> = { switchboard: all.slice(0, TABS), direct: all.slice(TABS) };
  const name = freshName('fanout');
  for (const tab of tabs.switchboard) await tab.call('switchboard', { hosts: [url!], types: ['ws'] }, name);
  for (const tab of tabs.direct) await tab.call('direct', [url!], 2000);
  for (const side of ['switchboard', 'direct'] as const)
    for (const tab of tabs[side]) await tab.call('subscribe', side);
  await until('both topics upstream', async () => (await server.call('counts'))[0]!.topics === 2, 20_000);

  const rates: Record<Side, number[]> = { switchboard: [], direct: [] };
  await alternate(BURST_ROUNDS, ['switchboard', 'direct'] as const, async (side) => {
    await Promise.all(tabs[side].map((tab) => tab.call('watch', { expect: BURST })));
    const start = await server.call('burst', { topic: side, count: BURST });
    const done = await Promise.all(
      tabs[side].map((tab) =>
        until(`${BURST} messages in a ${side} tab`, async () => (await tab.call('seen')).doneAt, 60_000, 50),
      ),
    );
    // The rate every tab got: the slowest tab's.
    rates[side].push(BURST / ((Math.max(...done) - start) / 1000));
  });
  log(`fan-out msg/s: ${rates.switchboard.map(Math.round)} vs ${rates.direct.map(Math.round)}`);

  const latency: Latency = { switchboard: { 50: [], 99: [] }, direct: { 50: [], 99: [] } };
  await alternate(PACED_ROUNDS, ['switchboard', 'direct'] as const, async (side) => {
    await Promise.all(tabs[side].map((tab) => tab.call('watch', { latency: true })));
    const sent = await server.call('paced', { topic: side, rate: RATE, ms: PACED_MS });
    const seen = await Promise.all(
      tabs[side].map((tab) =>
        until(
          `${sent} paced messages in a ${side} tab`,
          async () => {
            const got = await tab.call('seen');
            return got.count >= sent && got.latencies;
          },
          30_000,
          50,
        ),
      ),
    );
    const pooled = seen.flat();
    latency[side][50].push(percentile(pooled, 50));
    latency[side][99].push(percentile(pooled, 99));
  });
  log(
    `latency p50 ${latency.switchboard[50]} vs ${latency.direct[50]}; p99 ${latency.switchboard[99]} vs ${latency.direct[99]}`,
  );

  const sb = median(rates.switchboard);
  const direct = median(rates.direct);
  return {
    title: 'Fan-out to 4 tabs',
    method:
      `${TABS} tabs on Switchboard (one worker) and ${TABS} tabs with a direct WebSocket each, set up once, each side on its own topic. ` +
      `Throughput: the host publishes ${BURST.toLocaleString('en-US')} small JSON messages as fast as it takes them; the rate is ` +
      `${BURST.toLocaleString('en-US')} ÷ the time from the first publish to the last message in the slowest tab; ${BURST_ROUNDS} rounds per side, alternating, median. ` +
      `Latency: ${RATE.toLocaleString('en-US')} msg/s for ${PACED_MS / 1000} s, each message stamped with the time it was published, read in the tab ` +
      `(both clocks are wall-clock origin + monotonic time); p50 and p99 over the 4 tabs' messages, ${PACED_ROUNDS} rounds per side, medians; ` +
      '"added" is Switchboard\'s percentile minus the direct WebSocket\'s.',
    rows: [
      {
        id: 'fanout-rate',
        benchmark: `fan-out msg/s to each of ${TABS} tabs`,
        switchboard: figure(sb, 'msg/s'),
        alternative: figure(direct, 'msg/s'),
        ratio: ratio(sb, direct),
        target: '≥ 0.80×',
        verdict: verdict(sb >= 0.8 * direct),
        value: sb / direct,
        unit: '×',
      },
      latencyRow(50, latency, 1),
      latencyRow(99, latency, 5),
    ],
  };
}

/** The row for one percentile: Switchboard's, the direct WebSocket's, and what Switchboard adds against `limit` ms. */
function latencyRow(p: 50 | 99, latency: Latency, limit: number): Row {
  const sb = median(latency.switchboard[p]);
  const direct = median(latency.direct[p]);
  const added = sb - direct;
  return {
    id: `latency-p${p}`,
    benchmark: `latency p${p} at ${RATE.toLocaleString('en-US')} msg/s`,
    switchboard: `${figure(sb, 'ms')} (${signed(added)})`,
    alternative: figure(direct, 'ms'),
    ratio: ratio(sb, direct),
    target: `added ≤ ${limit} ms`,
    verdict: verdict(added <= limit),
    value: added,
    unit: 'ms added',
  };
}

/** An added latency as +0.31 ms or −0.20 ms. */
function signed(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${figure(Math.abs(ms), 'ms')}`;
}

// Benchmark 4: the resubscribe storm, the time to restore 10,000 live topics after a failover.

import { until } from '../test/support/until.ts';
import { type Context, freshName, sleep } from './context.ts';
import { figure, type Result, ratio } from './report.ts';
import { alternate, median } from './stats.ts';

const TOPICS = 10_000;
const ROUNDS = 3;
const RECONNECT_DELAY = 1000;

type Side = 'switchboard' | 'loop';

export async function storm({ server, browser, log }: Context): Promise<Result> {
  const times: Record<Side, number[]> = { switchboard: [], loop: [] };
  const setup: Record<Side, number[]> = { switchboard: [], loop: [] };
  await alternate(ROUNDS, ['switchboard', 'loop'] as const, async (side) => {
    const urls = await server.call('start', { hosts: 2, heartbeat: 15_000 });
    const [tab] = await browser.tabs(1);
    const began = Date.now();
    if (side === 'loop') await tab!.call('direct', urls, 2000);
    else
      await tab!.call(
        'switchboard',
        { hosts: urls, loadBalance: false, types: ['ws'], reconnectDelay: RECONNECT_DELAY },
        freshName('storm'),
      );
    await tab!.call('subscribe', 'storm/', TOPICS);
    await until(
      `${TOPICS} topics on host 0`,
      async () => (await server.call('counts'))[0]!.topics === TOPICS,
      60_000,
      50,
    );
    // Live topics: each has had a message, so the next host replays from its seq.
    await tab!.call('watch', { expect: TOPICS });
    await server.call('publishEach', { topics: { prefix: 'storm/', count: TOPICS } });
    await until(`a message on each of ${TOPICS} topics`, async () => (await tab!.call('seen')).doneAt, 60_000, 50);
    setup[side].push(Date.now() - began);
    await sleep(Math.max(0, began + RECONNECT_DELAY + 100 - Date.now()));
    await tab!.call('watch', { marks: TOPICS });
    // Host 0 is reset, then every topic gets a message that only a restored subscription can bring.
    const { at } = await server.call('fail', { how: 'reset', topics: { prefix: 'storm/', count: TOPICS } });
    const restored = await until(
      `${TOPICS} topics restored (${side})`,
      async () => (await tab!.call('seen')).markedAt,
      60_000,
      20,
    );
    times[side].push(restored - at);
  });
  const sb = median(times.switchboard);
  const loop = median(times.loop);
  log(
    `storm: ${times.switchboard.map(Math.round)} vs ${times.loop.map(Math.round)}; setup ${setup.switchboard} vs ${setup.loop}`,
  );
  return {
    title: 'Resubscribe storm',
    method:
      `One tab holds ${TOPICS.toLocaleString('en-US')} live topics (each has had one message) on host 0 of two; host 0 is reset and, at once, every topic gets one message on the ` +
      `backplane. The time runs from the reset to the last topic's message in the tab, so it covers noticing, reconnecting, ` +
      `${TOPICS.toLocaleString('en-US')} subs with from, their replays and the delivery to the tab. The alternative is the same tab with ` +
      `bench/sequential-loop.ts. ${ROUNDS} rounds per side, alternating, medians. Subscribing the ${TOPICS.toLocaleString('en-US')} topics at the ` +
      `start took ${figure(median(setup.switchboard), 'ms')} through Switchboard and ${figure(median(setup.loop), 'ms')} directly (not part of the figure).`,
    rows: [
      {
        id: 'storm',
        benchmark: `restore ${TOPICS.toLocaleString('en-US')} topics after a failover`,
        switchboard: figure(sb, 'ms'),
        alternative: figure(loop, 'ms'),
        ratio: ratio(sb, loop),
        target: '',
        verdict: '',
        value: sb,
        unit: 'ms',
      },
    ],
  };
}

// Benchmark 1: upstream connections and server memory for N tabs, Switchboard against a WebSocket per tab.

import { until } from '../test/support/until.ts';
import { type Context, freshName, sleep } from './context.ts';
import { figure, type Result, type Row, ratio, verdict } from './report.ts';
import { alternate, median } from './stats.ts';

const TABS = [1, 4, 16];
const ROUNDS = 3;

type Side = 'switchboard' | 'direct';

export async function connections(context: Context): Promise<Result> {
  const rows: Row[] = [];
  const directHeap = new Map<number, number>();
  // Untimed: the host's first clients also cost it code and caches that no later client does.
  for (const side of ['switchboard', 'direct'] as const) await measure(context, side, 4);
  for (const count of TABS) {
    const figures: Record<Side, { connections: number[]; heap: number[] }> = {
      switchboard: { connections: [], heap: [] },
      direct: { connections: [], heap: [] },
    };
    await alternate(ROUNDS, ['switchboard', 'direct'] as const, async (side) => {
      const { connections: counted, heap } = await measure(context, side, count);
      figures[side].connections.push(counted);
      figures[side].heap.push(heap);
    });
    const { switchboard: sb, direct } = figures;
    const upstream = Math.max(...sb.connections);
    context.log(
      `tabs ${count}: connections ${sb.connections} vs ${direct.connections}, heap ${sb.heap} vs ${direct.heap}`,
    );
    rows.push({
      id: `connections-${count}`,
      benchmark: `upstream connections, ${count} tab${count > 1 ? 's' : ''}`,
      switchboard: String(upstream),
      alternative: String(median(direct.connections)),
      ratio: ratio(upstream, median(direct.connections)),
      target: 'exactly 1',
      verdict: verdict(sb.connections.every((n) => n === 1)),
      value: upstream,
      unit: 'connections',
    });
    const kib = (values: number[]) => median(values) / 1024;
    directHeap.set(count, kib(direct.heap));
    rows.push({
      id: `memory-${count}`,
      benchmark: `server heap growth, ${count} tab${count > 1 ? 's' : ''}`,
      switchboard: figure(kib(sb.heap), 'KiB'),
      alternative: figure(kib(direct.heap), 'KiB'),
      ratio: ratio(kib(sb.heap), kib(direct.heap)),
      target: '',
      verdict: '',
      value: kib(sb.heap),
      unit: 'KiB',
    });
  }
  return {
    title: 'Upstream connections and server memory',
    method:
      `N tabs (N = ${TABS.join(', ')}) each connect and subscribe to one topic, one after another; Switchboard tabs share one worker, ` +
      'the alternative is a WebSocket per tab (bench/sequential-loop.ts with one host). Connections are what the host counts ' +
      "300 ms after the topic is held; memory is the growth of the host process's V8 heap (after two forced GCs) over the same host " +
      `with no client, after an untimed round of 4 tabs per side. ${ROUNDS} rounds per N, the sides alternating, medians. ` +
      'The heap after a forced GC is nearly the same from run to run; it includes costs a host pays once (its first topic, its first ' +
      `client), so read it as a slope: each extra direct WebSocket cost the host about ${figure(perConnection(directHeap), 'KiB')} of heap, ` +
      "while Switchboard's figure does not grow with N.",
    rows,
  };
}

/** Opens `count` tabs on one side; the host's connections and heap growth once they hold the topic. */
async function measure(
  { server, browser }: Context,
  side: Side,
  count: number,
): Promise<{ connections: number; heap: number }> {
  const [url] = await server.call('start', { hosts: 1, heartbeat: 15_000 });
  const before = await server.call('memory');
  const tabs = await browser.tabs(count);
  const name = freshName('tabs');
  // One tab at a time, as a user opens them.
  for (const tab of tabs) {
    if (side === 'switchboard') await tab.call('switchboard', { hosts: [url!], types: ['ws'] }, name);
    else await tab.call('direct', [url!], 2000);
    await tab.call('subscribe', 'prices');
  }
  if (side === 'switchboard')
    await until(`${count} tabs on one worker`, async () => (await tabs[0]!.call('tabs')) === count, 20_000);
  await until('the topic upstream', async () => (await server.call('counts'))[0]!.topics === 1, 20_000);
  // Late connections would show up here.
  await sleep(300);
  const [counted] = await server.call('counts');
  const after = await server.call('memory');
  return { connections: counted!.connections, heap: after.heap - before.heap };
}

/** KiB of host heap per extra connection, from the fewest to the most tabs. */
function perConnection(heap: Map<number, number>): number {
  const fewest = Math.min(...TABS);
  const most = Math.max(...TABS);
  return (heap.get(most)! - heap.get(fewest)!) / (most - fewest);
}

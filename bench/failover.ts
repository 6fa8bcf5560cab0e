// Benchmark 3: failover time from the connected host's death to the first message from the next host,
// Switchboard against a plain sequential retry loop, after a reset and a blackhole, with 1 and 3 dead hosts.

import type { SwitchboardConfig } from '../src/index.ts';
import { until } from '../test/support/until.ts';
import type { Tab } from './browser.ts';
import { type Context, freshName, sleep } from './context.ts';
import { figure, type Result, type Row, ratio, verdict } from './report.ts';
import type { FailHow } from './server-commands.ts';
import { alternate, median } from './stats.ts';

const ROUNDS = 3;
/** The ping interval hosts announce: a silent host is dead after 2 × HEARTBEAT (docs/PROTOCOL.md, "Liveness"). */
const HEARTBEAT = 250;
const CONNECT_TIMEOUT = 500;
/** Rounds start at least reconnectDelay apart (its default): the connection must be older before the host dies. */
const RECONNECT_DELAY = 1000;

type Side = 'switchboard' | 'loop' | 'switchboard, default types';

export interface Scenario {
  how: FailHow;
  dead: number;
  sides: Side[];
}

const SCENARIOS: Scenario[] = [
  { how: 'reset', dead: 1, sides: ['switchboard', 'loop'] },
  { how: 'reset', dead: 3, sides: ['switchboard', 'loop'] },
  { how: 'blackhole', dead: 1, sides: ['switchboard', 'loop'] },
  { how: 'blackhole', dead: 3, sides: ['switchboard', 'loop', 'switchboard, default types'] },
];

/** One failover: ms from the death to the first message from the next host, and to the tab noticing. */
export interface Failover {
  total: number;
  detected: number;
}

/** Hosts 0..dead-1 fail (host 0 is the connected one), host `dead` lives. */
/** `inspect` sees the tab once its first message from the next host is in, with the time of the death. */
export async function failOnce(
  { server, browser }: Context,
  { how, dead }: Omit<Scenario, 'sides'>,
  side: Side,
  inspect?: (tab: Tab, at: number) => Promise<void>,
): Promise<Failover> {
  const urls = await server.call('start', { hosts: dead + 1, heartbeat: HEARTBEAT });
  const others = Array.from({ length: dead - 1 }, (_, i) => i + 1);
  if (how === 'reset') await server.call('kill', { hosts: others });
  else await server.call('blackhole', { hosts: others });
  const [tab] = await browser.tabs(1);
  const config: SwitchboardConfig = {
    hosts: urls,
    loadBalance: false,
    connectTimeout: CONNECT_TIMEOUT,
    reconnectDelay: RECONNECT_DELAY,
  };
  if (side === 'loop') await tab!.call('direct', urls, CONNECT_TIMEOUT);
  else
    await tab!.call(
      'switchboard',
      side === 'switchboard' ? { ...config, types: ['ws'] } : config,
      freshName('failover'),
    );
  const connected = Date.now();
  await tab!.call('subscribe', 'live');
  await server.call('startStream', { topic: 'live', every: 5 });
  await tab!.call('watch', {});
  await until('messages from host 0', async () => (await tab!.call('seen')).count >= 5, 20_000);
  await sleep(Math.max(0, connected + RECONNECT_DELAY + 100 - Date.now()));
  await tab!.call('watch', { arrivals: true });
  const { at } = await server.call('fail', { how, topics: { prefix: '', count: 0 } });
  // Messages published before the death may still be in flight from host 0: only later ones count.
  const first = await until(
    `the first message after a ${how} (${side})`,
    async () => {
      const got = await tab!.call('seen');
      const arrival = got.arrivals.find(([published]) => published > at);
      return arrival && { arrived: arrival[1], disconnectedAt: got.disconnectedAt };
    },
    30_000,
  );
  await server.call('stopStream');
  await inspect?.(tab!, at);
  return { total: first.arrived - at, detected: (first.disconnectedAt[0] ?? NaN) - at };
}

export async function failover(context: Context): Promise<Result> {
  const { server, browser, log } = context;
  const [url] = await server.call('start', { hosts: 1, heartbeat: HEARTBEAT });
  const [probe] = await browser.tabs(1);
  const trip = await probe!.call('roundTrip', url!);
  log(`round trip: connect ${trip.connect.toFixed(2)} ms, ping ${trip.ping.toFixed(2)} ms`);

  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    const times = new Map<Side, Failover[]>(scenario.sides.map((side) => [side, []]));
    await alternate(ROUNDS, scenario.sides, async (side) => {
      times.get(side)!.push(await failOnce(context, scenario, side));
    });
    const total = (side: Side) => median(times.get(side)!.map((t) => t.total));
    const detected = (side: Side) => median(times.get(side)!.map((t) => t.detected));
    const { how, dead } = scenario;
    log(
      `${how}, ${dead} dead: ${[...times].map(([side, list]) => `${side} ${list.map((t) => Math.round(t.total))}`).join('; ')}`,
    );
    const limit = how === 'reset' ? trip.connect + 50 : CONNECT_TIMEOUT + trip.connect;
    // The targets are for the next host being the live one; with 3 dead hosts both sides must also try the other two.
    const judged = dead === 1;
    const described = (side: Side) => `${figure(total(side), 'ms')} (noticed at ${figure(detected(side), 'ms')})`;
    rows.push({
      id: `failover-${how}-${dead}`,
      benchmark: `failover after a ${how}, ${dead} dead host${dead > 1 ? 's' : ''}`,
      switchboard: described('switchboard'),
      alternative: described('loop'),
      ratio: ratio(total('switchboard'), total('loop')),
      target: judged ? `≤ ${figure(limit, 'ms')}` : '',
      verdict: judged ? verdict(total('switchboard') <= limit) : '',
      value: total('switchboard'),
      unit: 'ms',
    });
    if (scenario.sides.includes('switchboard, default types')) {
      const side = 'switchboard, default types';
      rows.push({
        id: `failover-${how}-${dead}-default-types`,
        benchmark: `  the same, Switchboard with types ws, http, poll`,
        switchboard: described(side),
        alternative: described('loop'),
        ratio: ratio(total(side), total('loop')),
        target: '',
        verdict: '',
        value: total(side),
        unit: 'ms',
      });
    }
  }
  return {
    title: 'Failover',
    method:
      'A cluster of hosts sharing a backplane, in the order configured (loadBalance off); host 0 is connected, the last host lives, and ' +
      'with 3 dead hosts hosts 1 and 2 are dead the same way before the trial (killed: connection refused; blackholed: TCP accepted, never answered). ' +
      "A topic gets a message every 5 ms, stamped with the time it was published. Time runs from the death (the host process's clock) " +
      'to the first message published after it arriving in the tab (a replay from the last seq, or a new one); "noticed" is when ' +
      `the tab learns the host is gone. Reset: the host is killed (every socket reset). Blackhole: nothing more is read or written, so ` +
      `only the heartbeat tells (hosts announce ${HEARTBEAT} ms, dead after ${2 * HEARTBEAT} ms of silence). connectTimeout ${CONNECT_TIMEOUT} ms, ` +
      `connected for over reconnectDelay (${RECONNECT_DELAY} ms) before the death. Switchboard with types ['ws']; the alternative ` +
      "(bench/sequential-loop.ts) is the Flowplayer cluster plugin's loop: try the next host, give it connectTimeout (or until it refuses), " +
      `then the next, and resubscribe from the last seq. Round trip: a fresh WebSocket to welcome, median of 9: ${figure(trip.connect, 'ms')} ` +
      `(a ping on an open one: ${figure(trip.ping, 'ms')}). ${ROUNDS} trials per side, alternating, medians. Targets apply with 1 dead host.`,
    rows,
  };
}

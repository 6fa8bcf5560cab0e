// The demo page's script: the failover loop over the demo hosts, subscribed to the demo feed, with host controls.

import { realClock } from '../src/clock.ts';
import { parseConfig } from '../src/config.ts';
import { memoryExpiryStore } from '../src/expiry.ts';
import { Failover } from '../src/failover.ts';
import { transport } from '../src/transports/index.ts';

const TOPICS = ['ticks/EURUSD', 'ticks/GBPUSD', 'ticks/USDJPY', 'ticks/AUDUSD'];
const ACTIONS = ['kill', 'blackhole', 'drain', 'restart'];

interface HostInfo { name: string; url: string; state: string }

const element = (id: string) => document.getElementById(id)!;
const log = (line: string) => {
  element('log').textContent = `${new Date().toLocaleTimeString()} ${line}\n${element('log').textContent ?? ''}`.slice(0, 20_000);
};

async function hosts(): Promise<HostInfo[]> {
  return (await (await fetch('/control/hosts')).json()) as HostInfo[];
}

function showHosts(list: HostInfo[], connected: string | undefined): void {
  element('hosts').replaceChildren(...list.map((host, index) => {
    const row = document.createElement('tr');
    row.className = host.url === connected ? 'connected' : '';
    row.innerHTML = `<td>${host.name}</td><td>${host.url}</td><td class="${host.state}">${host.state}</td><td></td>`;
    for (const action of ACTIONS) {
      const button = document.createElement('button');
      button.textContent = action;
      button.onclick = () => void fetch(`/control/hosts/${index}/${action}`, { method: 'POST' }).then(refresh);
      row.lastElementChild!.append(button);
    }
    return row;
  }));
}

const prices = new Map<string, HTMLTableRowElement>();
function showPrice(topic: string, seq: number, data: unknown): void {
  let row = prices.get(topic);
  if (!row) {
    row = document.createElement('tr');
    prices.set(topic, row);
    element('prices').append(row);
  }
  row.innerHTML = `<td>${topic}</td><td>${seq}</td><td>${(data as { price?: number }).price ?? ''}</td>`;
}

const list = await hosts();
const settings = parseConfig({ hosts: list.map((host) => host.url), connectTimeout: 1500, failureExpiry: 5000, reconnectDelay: 500 });
const lastSeq = new Map<string, number>();
const failover: Failover = new Failover(
  settings,
  { clock: realClock, random: Math.random, transport, expiries: memoryExpiryStore() },
  {
    event(name, detail) {
      if (name === 'state') return;
      log(`${name} ${JSON.stringify(detail)}`);
      if (name === 'connected') {
        for (const topic of TOPICS) {
          const from = lastSeq.get(topic);
          failover.send(from === undefined ? { op: 'sub', topic } : { op: 'sub', topic, from });
        }
      }
      void refresh();
    },
    frame(frame) {
      if (frame.op === 'msg') {
        lastSeq.set(frame.topic, frame.seq);
        showPrice(frame.topic, frame.seq, frame.data);
      } else if (frame.op === 'drain') {
        failover.drop('drained', true);
      } else if (frame.op === 'subscribed' && !frame.recovered) {
        log(`gap on ${frame.topic}`);
      }
    },
    protocolError: (what, reason) => log(`protocol error: ${what}: ${reason}`),
  },
);

async function refresh(): Promise<void> {
  const state = failover.state;
  element('status').textContent = state.connected
    ? `connected to ${state.connected.host} (${state.connected.server}) over ${state.connected.type}`
    : state.status;
  showHosts(await hosts(), state.connected?.host);
}

failover.start();
setInterval(() => void refresh(), 1000);

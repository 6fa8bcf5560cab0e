// The demo page's script: one Board on the built worker, the demo feed, a state box, host controls and the inspector.

import { type BoardEvent, type BoardState, connect } from '../src/index.ts';
import '../src/inspector/element.ts';
import { HOST_ACTIONS } from '../server/host-actions.ts';
import { clock } from '../src/inspector/format.ts';

const TOPICS = ['ticks/EURUSD', 'ticks/GBPUSD', 'ticks/USDJPY', 'ticks/AUDUSD'];
const EVENTS: BoardEvent[] = ['connect', 'connectFailed', 'connected', 'disconnected', 'failed', 'gap', 'error'];

interface HostInfo {
  name: string;
  url: string;
  state: string;
}

const byId = (id: string) => document.getElementById(id)!;
const cell = (text: string) => Object.assign(document.createElement('td'), { textContent: text });

function log(line: string): void {
  const text = `${clock(Date.now())} ${line}\n${byId('log').textContent ?? ''}`;
  byId('log').textContent = text.slice(0, 20_000);
}

async function hosts(): Promise<HostInfo[]> {
  const response = await fetch('/control/hosts');
  if (!response.ok) throw new Error(`the control surface answered ${response.status}`);
  return (await response.json()) as HostInfo[];
}

let state: BoardState | undefined;
const hostRows: HTMLTableRowElement[] = [];

/** The host rows are made once, so a click is never lost to a redraw; their state is refreshed. */
async function showHosts(): Promise<void> {
  (await hosts()).forEach((host, index) => {
    let row = hostRows[index];
    if (!row) {
      row = document.createElement('tr');
      hostRows.push(row);
      const buttons = document.createElement('td');
      for (const action of HOST_ACTIONS) {
        const button = Object.assign(document.createElement('button'), { type: 'button', textContent: action });
        button.dataset.host = String(index);
        button.dataset.action = action;
        button.onclick = () => void fetch(`/control/hosts/${index}/${action}`, { method: 'POST' }).then(showHosts);
        buttons.append(button, ' ');
      }
      row.append(cell(host.name), cell(host.url), cell(''), buttons);
      byId('hosts').append(row);
    }
    row.className = host.url === state?.connected?.host ? 'connected' : '';
    const status = row.children[2]!;
    status.textContent = host.state;
    status.className = host.state;
  });
}

function showState(next: BoardState): void {
  state = next;
  const set = (name: string, text: string) => (document.querySelector(`[data-state="${name}"]`)!.textContent = text);
  set('status', next.status + (next.failed ? ' (failed)' : ''));
  set(
    'host',
    next.connected
      ? `${next.connected.host} (${next.connected.server})`
      : next.attempt
        ? `trying ${next.attempt.host}`
        : '—',
  );
  set('type', next.connected?.type ?? '—');
  set('topics', next.topics.map((t) => `${t.topic} @${t.seq}`).join(', ') || '—');
  set('tabs', `${next.tabs} (${next.mode} worker)`);
  set('pendingSends', String(next.pendingSends));
}

const rows = new Map<string, HTMLTableRowElement>();
let received = 0;

function showPrice(topic: string, seq: number, data: unknown): void {
  let row = rows.get(topic);
  if (!row) {
    row = document.createElement('tr');
    rows.set(topic, row);
    byId('prices').append(row);
  }
  row.replaceChildren(
    cell(topic),
    cell(String(seq)),
    cell(String((data as { price?: number }).price ?? '')),
    cell(clock(Date.now())),
  );
  row.classList.add('fresh');
  requestAnimationFrame(() => row.classList.remove('fresh'));
  byId('received').textContent = `(${++received} messages in this tab)`;
}

const list = await hosts();
const board = await connect({
  config: { hosts: list.map((host) => host.url), connectTimeout: 1500, failureExpiry: 5000, reconnectDelay: 500 },
  worker: '/dist/switchboard-worker.js',
});
document.querySelector('switchboard-inspector')!.board = board;
for (const event of EVENTS) board.on(event, (detail) => log(`${event} ${JSON.stringify(detail)}`));
board.on('state', (next) => {
  showState(next);
  void showHosts();
});
for (const topic of TOPICS) await board.subscribe(topic, (data, { seq }) => showPrice(topic, seq, data));
showState(await board.state());
// Topic seqs and host states change without a state event: read them once a second too.
setInterval(() => void board.state().then(showState).then(showHosts), 1000);

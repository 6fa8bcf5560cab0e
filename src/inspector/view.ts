// The state view shared by <switchboard-inspector> and the DevTools panel: renders snapshots, offers the actions.

import type { BoardState } from '../../shared/state.ts';
import { h, Rows, setText } from './dom.ts';
import { clock, describe, duration } from './format.ts';
import { RateMeter } from './rates.ts';
import type { Action, HostError, Snapshot, TimelineEntry } from './snapshot.ts';
import { STYLE } from './style.ts';

type PlanRow = BoardState['plan'][number] & { order: number };
type TopicRow = BoardState['topics'][number];

/** Values from the page are shown with textContent only; numbers are read with Number() before use. */
export class InspectorView {
  readonly element = h('section', { class: 'switchboard-inspector' });
  readonly #fields = new Map<string, HTMLElement>();
  #rates = new RateMeter();
  #topicRates = new Map<string, number>();
  #snapshot: Snapshot | null = null;
  #now = 0;
  readonly #plan: Rows<PlanRow>;
  readonly #topics: Rows<TopicRow>;
  readonly #timeline = h('ol', { class: 'timeline', 'data-part': 'timeline' });
  readonly #balance = button('loadBalance', 'Load balancing', () =>
    this.#act({ do: 'loadBalance', value: !this.#snapshot?.state?.loadBalance }),
  );
  #lastEntry = 0;

  readonly #act: (action: Action) => void;

  constructor(parent: ParentNode, act: (action: Action) => void) {
    this.#act = act;

    const field = (name: string) => {
      const element = h('span', { 'data-field': name });
      this.#fields.set(name, element);
      return element;
    };
    const item = (label: string, name: string) => h('div', {}, h('dt', {}, label), h('dd', {}, field(name)));
    const planBody = h('tbody');
    this.#plan = new Rows(
      planBody,
      (host) => String(host.index),
      (host) => this.#planRow(host),
      (row, host) => this.#fillPlanRow(row, host),
    );
    const topicBody = h('tbody');
    this.#topics = new Rows(
      topicBody,
      (topic) => topic.topic,
      () => row(5),
      (row, topic) => this.#fillTopicRow(row, topic),
    );

    this.element.append(
      h('style', {}, STYLE),
      h('header', {}, h('strong', {}, 'Switchboard'), field('status'), field('note')),
      h(
        'div',
        { class: 'actions' },
        button('reconnect', 'Reconnect', () => this.#act({ do: 'reconnect' })),
        this.#balance,
        button('export', 'Export JSON', () => this.#download()),
      ),
      h(
        'dl',
        {},
        item('mode', 'mode'),
        item('tabs', 'tabs'),
        item('round', 'round'),
        item('attempt', 'attempt'),
        item('host', 'host'),
        item('type', 'type'),
        item('server', 'server'),
        item('since', 'since'),
        item('load balancing', 'loadBalance'),
        item('pending sends', 'pendingSends'),
      ),
      h('h3', {}, 'Plan, in try order'),
      h('table', { 'data-part': 'plan' }, head('#', 'index', 'host', 'failure expiry', 'last error', ''), planBody),
      h('h3', {}, 'Topics'),
      h('table', { 'data-part': 'topics' }, head('topic', 'subscribers', 'last seq', 'msg/s', 'state'), topicBody),
      h('h3', {}, 'Timeline'),
      this.#timeline,
    );
    parent.append(this.element);
  }

  /** Shows `snapshot` as of `now` (epoch ms); `note` says why there is nothing to show. */
  render(snapshot: Snapshot | null, now = Date.now(), note = ''): void {
    if (snapshot?.board !== this.#snapshot?.board) {
      this.#rates = new RateMeter();
      this.#timeline.replaceChildren();
      this.#lastEntry = 0;
    }
    this.#snapshot = snapshot;
    this.#now = now;
    const state = snapshot?.state;
    const set = (name: string, text: string) => setText(this.#fields.get(name)!, text);
    set('note', note || (state ? '' : 'waiting for the first state…'));
    if (state) this.#topicRates = this.#rates.update(Number(snapshot.stateAt), state.topics);
    const status = state ? `${String(state.status)}${state.failed ? ' (failed)' : ''}` : '—';
    set('status', status);
    this.#fields.get('status')!.className = `status ${String(state?.status ?? 'none')}`;
    set('mode', String(state?.mode ?? '—'));
    set('tabs', String(state?.tabs ?? '—'));
    set('round', String(state?.round ?? '—'));
    set(
      'attempt',
      state?.attempt
        ? `${String(state.attempt.host)} (#${String(state.attempt.index)}) over ${String(state.attempt.type)}`
        : '—',
    );
    const connected = state?.connected;
    set('host', connected ? `${String(connected.host)} (#${String(connected.index)})` : '—');
    set('type', connected ? String(connected.type) : '—');
    set('server', connected ? String(connected.server) : '—');
    set(
      'since',
      connected
        ? `${clock(Number(connected.since))} (${duration(now - Number(connected.since))})`
        : state?.nextRound
          ? `next round in ${duration(Number(state.nextRound) - now)}`
          : '—',
    );
    set('loadBalance', state ? (state.loadBalance ? 'on' : 'off') : '—');
    set('pendingSends', String(state?.pendingSends ?? '—'));
    setText(this.#balance, state?.loadBalance ? 'Load balancing: switch off' : 'Load balancing: switch on');
    this.#plan.render((state?.plan ?? []).map((host, order) => ({ ...host, order })));
    this.#topics.render(state?.topics ?? []);
    this.#renderTimeline(snapshot?.timeline ?? []);
  }

  /** The state as JSON, with the rates this view measured. */
  exportJson(): string {
    return JSON.stringify(
      { exportedAt: new Date(this.#now).toISOString(), ...this.#snapshot, rates: Object.fromEntries(this.#topicRates) },
      null,
      2,
    );
  }

  #download(): void {
    const link = h('a', {
      href: URL.createObjectURL(new Blob([this.exportJson()], { type: 'application/json' })),
      download: 'switchboard-state.json',
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  #planRow(host: PlanRow): HTMLTableRowElement {
    const tr = row(5);
    const index = Number(host.index);
    tr.append(
      h(
        'td',
        {},
        button('clearExpiry', 'Clear expiry', () => this.#act({ do: 'clearExpiry', index })),
      ),
    );
    return tr;
  }

  #fillPlanRow(tr: HTMLTableRowElement, host: PlanRow): void {
    const state = this.#snapshot?.state;
    const expiry = state?.expiries.find((e) => e.index === host.index);
    const left = expiry ? Number(expiry.until) - this.#now : 0;
    const error: HostError | undefined = this.#snapshot?.errors.find((e) => e.index === host.index);
    const cells = tr.children;
    setText(cells[0]!, String(host.order + 1));
    setText(cells[1]!, String(host.index));
    setText(cells[2]!, String(host.host));
    setText(cells[3]!, left > 0 ? `skipped for ${duration(left)}` : '—');
    setText(cells[4]!, error ? `${clock(Number(error.at))} ${String(error.reason)}` : '—');
    (cells[5]!.firstElementChild as HTMLButtonElement).disabled = !(left > 0);
    tr.className =
      state?.connected?.index === host.index ? 'connected' : state?.attempt?.index === host.index ? 'attempt' : '';
    tr.dataset.index = String(host.index);
  }

  #fillTopicRow(tr: HTMLTableRowElement, topic: TopicRow): void {
    const cells = tr.children;
    setText(cells[0]!, String(topic.topic));
    setText(cells[1]!, String(topic.subscribers));
    setText(cells[2]!, String(topic.seq));
    setText(cells[3]!, (this.#topicRates.get(topic.topic) ?? 0).toFixed(1));
    setText(cells[4]!, topic.state);
  }

  /** Newest first; entries already shown stay as they are. */
  #renderTimeline(entries: TimelineEntry[]): void {
    for (const entry of entries) {
      if (Number(entry.id) <= this.#lastEntry) continue;
      this.#lastEntry = Number(entry.id);
      const event = String(entry.event);
      this.#timeline.prepend(
        h('li', { class: event }, h('time', {}, clock(Number(entry.at))), h('b', {}, event), ' ', describe(entry)),
      );
    }
    while (this.#timeline.childElementCount > entries.length) this.#timeline.lastElementChild!.remove();
  }
}

function button(action: string, label: string, onClick: () => void): HTMLButtonElement {
  const element = h('button', { type: 'button', 'data-action': action }, label);
  element.addEventListener('click', onClick);
  return element;
}

function row(cells: number): HTMLTableRowElement {
  return h('tr', {}, ...Array.from({ length: cells }, () => h('td')));
}

function head(...labels: string[]): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {}, ...labels.map((label) => h('th', {}, label))));
}

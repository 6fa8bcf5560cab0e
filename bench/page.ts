// The benchmark tab: a Switchboard board or a direct WebSocket loop, recording what arrives, for run.ts to read.

import { type Board, connect, type SwitchboardConfig } from '../src/index.ts';
import { SequentialLoop } from './sequential-loop.ts';
import { clockNow } from './server-commands.ts';

/** What a trial waits for and keeps; everything else only counts. */
export interface Watch {
  /** Messages that make the trial done. */
  expect?: number;
  /** Keep now − data.t of every message. */
  latency?: boolean;
  /** Keep when each message was published (data.t) and when it arrived. */
  arrivals?: boolean;
  /** Topics that must each receive a message published after the failure (data.after). */
  marks?: number;
}

export interface Seen {
  count: number;
  doneAt?: number;
  latencies: number[];
  arrivals: [published: number, arrived: number][];
  markedAt?: number;
  disconnectedAt: number[];
}

let board: Board | undefined;
let loop: SequentialLoop | undefined;
let watch: Watch = {};
let seen: Seen = fresh();
let marked = new Set<string>();
/** Board events with the time the tab got them, for the failover timeline. */
const events: [name: string, at: number, detail: unknown][] = [];
/** Message batches the worker posted to this tab: how many, and how many messages in all. */
const batches = { posts: 0, messages: 0 };

const EVENTS = ['connect', 'connectFailed', 'connected', 'disconnected'] as const;

function fresh(): Seen {
  return { count: 0, latencies: [], arrivals: [], disconnectedAt: [] };
}

function receive(topic: string, data: unknown): void {
  const now = clockNow();
  seen.count++;
  if (seen.count === watch.expect) seen.doneAt = now;
  const fields = data as { t?: number; after?: number };
  if (watch.latency && fields.t !== undefined) seen.latencies.push(now - fields.t);
  if (watch.arrivals && fields.t !== undefined) seen.arrivals.push([fields.t, now]);
  if (watch.marks && fields.after !== undefined && !marked.has(topic)) {
    marked.add(topic);
    if (marked.size === watch.marks) seen.markedAt = now;
  }
}

const disconnected = () => seen.disconnectedAt.push(clockNow());

/** Topics named `prefix0`, `prefix1`, ... */
function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? prefix : `${prefix}${i}`));
}

const bench = {
  async switchboard(config: SwitchboardConfig, name: string): Promise<boolean> {
    board = await connect({ config, name, store: name, worker: '/dist/switchboard-worker.js' });
    board.on('disconnected', disconnected);
    for (const name of EVENTS) board.on(name, (detail) => events.push([name, clockNow(), detail]));
    return true;
  },
  direct(hosts: string[], connectTimeout: number): boolean {
    loop = new SequentialLoop({ hosts, connectTimeout, message: receive, disconnected });
    loop.start();
    return true;
  },
  async subscribe(prefix: string, count = 1): Promise<boolean> {
    const topics = names(prefix, count);
    if (loop) for (const topic of topics) loop.subscribe(topic);
    else await Promise.all(topics.map((topic) => board!.subscribe(topic, (data, info) => receive(info.topic, data))));
    return true;
  },
  /** Switchboard: tabs sharing the worker. */
  async tabs(): Promise<number> {
    return board ? (await board.state()).tabs : 1;
  },
  watch(next: Watch): boolean {
    watch = next;
    seen = fresh();
    marked = new Set();
    return true;
  },
  seen: (): Seen => seen,
  events: () => events,
  batches: () => batches,
  /** Counts what arrives on the shim's message port; call before switchboard(). */
  countBatches(): boolean {
    const property = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
    Object.defineProperty(MessagePort.prototype, 'onmessage', {
      ...property,
      set(this: MessagePort, handler: ((event: MessageEvent) => void) | null) {
        property.set!.call(
          this,
          handler &&
            ((event: MessageEvent) => {
              if (Array.isArray(event.data)) {
                batches.posts++;
                batches.messages += event.data.length;
              }
              handler.call(this, event);
            }),
        );
      },
    });
    return true;
  },
  /** The median time a fresh WebSocket takes to reach `welcome`, and the median ping round trip on one. */
  async roundTrip(url: string, connections = 9, pings = 21): Promise<{ connect: number; ping: number }> {
    const connectTimes: number[] = [];
    const pingTimes: number[] = [];
    for (let i = 0; i < connections; i++) {
      const start = performance.now();
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
      const next = () =>
        new Promise<{ op: string; t?: number }>((resolve, reject) => {
          socket.onmessage = ({ data }: MessageEvent<string>) => resolve(JSON.parse(data));
          socket.onclose = () => reject(new Error(`roundTrip: ${url} closed the WebSocket`));
        });
      socket.onopen = () => socket.send(JSON.stringify({ op: 'hello', v: 1 }));
      await next();
      connectTimes.push(performance.now() - start);
      if (i === connections - 1) {
        for (let p = 0; p < pings; p++) {
          const sent = performance.now();
          socket.send(JSON.stringify({ op: 'ping', t: p }));
          await next();
          pingTimes.push(performance.now() - sent);
        }
      }
      socket.onclose = null;
      socket.close();
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
    return { connect: median(connectTimes), ping: median(pingTimes) };
  },
};

export type BenchTab = typeof bench;

Object.assign(globalThis, { bench });

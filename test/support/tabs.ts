// Browser side of the tabs plugin: open more tabs of this origin and drive them from a test.

import { executeServerCommand } from '@web/test-runner-commands';
import type { ConnectOptions } from '../../src/index.ts';
import type { WorkerProbe, WorkerSnapshot } from '../plugins/commands.ts';
import type { Cluster } from './cluster.ts';
import { until } from './until.ts';

export interface TestTab {
  /** Evaluates `expression` in the tab (e.g. "tab.subscribe('x')") and returns its value. */
  eval<T = unknown>(expression: string): Promise<T>;
  close(): Promise<void>;
  /** The tab's renderer crashes: no pagehide, no goodbye. */
  crash(): Promise<void>;
  navigate(url: string): Promise<void>;
}

/** Opens test/browser/fixtures/tab.html in a new tab of this browser, same origin as the test. */
export async function openTab(): Promise<TestTab> {
  const id = await executeServerCommand<number, { url: string }>('tab-open', {
    url: '/test/browser/fixtures/tab.html',
  });
  return {
    eval: (expression) => executeServerCommand('tab-eval', { id, expression }),
    close: async () => void (await executeServerCommand('tab-close', { id })),
    crash: async () => void (await executeServerCommand('tab-crash', { id })),
    navigate: async (url) => void (await executeServerCommand('tab-navigate', { id, url })),
  };
}

/** Kills the SharedWorker whose name is `name`, as a crash would (CDP Target.closeTarget); returns how many died. */
export function killWorker(name: string): Promise<number> {
  return executeServerCommand<number, { name: string }>('worker-kill', { name });
}

/** The named SharedWorker's heap and live MessagePorts after a garbage collection (Chromium only: CDP). */
export function probeWorker(name: string): Promise<WorkerProbe> {
  return executeServerCommand<WorkerProbe, { name: string }>('worker-probe', { name });
}

/** The named SharedWorker's heap after a garbage collection, counted by kind of object (Chromium only: CDP). */
export function snapshotWorker(name: string): Promise<WorkerSnapshot> {
  return executeServerCommand<WorkerSnapshot, { name: string }>('worker-snapshot', { name });
}

/** The `n` kinds of object that grew most in bytes from one snapshot to the next, as "+bytes B (+count) kind" lines. */
export function grown(from: WorkerSnapshot, to: WorkerSnapshot, n = 8): string[] {
  const growth = (kind: string) => ({
    kind,
    bytes: to[kind]!.bytes - (from[kind]?.bytes ?? 0),
    count: to[kind]!.count - (from[kind]?.count ?? 0),
  });
  return Object.keys(to)
    .map(growth)
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n)
    .map(({ kind, bytes, count }) => `+${bytes} B (${count >= 0 ? '+' : ''}${count}) ${kind}`);
}

/** Seconds the long-session test should run (LONG_SESSION_SECONDS), or 0 for its short version. */
export async function longSessionSeconds(): Promise<number> {
  return (await executeServerCommand<{ seconds: number }, undefined>('long-session-config')).seconds;
}

/** Opens `n` tabs that connect with `options` and subscribe to `topic`; resolves once a host of `cluster` holds the topic. */
export async function openTabsOn(
  cluster: Cluster,
  n: number,
  options: ConnectOptions,
  topic: string,
): Promise<TestTab[]> {
  const tabs: TestTab[] = [];
  for (let i = 0; i < n; i++) {
    const tab = await openTab();
    tabs.push(tab);
    await tab.eval(`tab.connect(${JSON.stringify(options)})`);
    await tab.eval(`tab.subscribe(${JSON.stringify(topic)})`);
  }
  // subscribe() resolves once the worker holds the topic; what is published before a host holds it is not for us.
  const held = async (host: number) =>
    ((await cluster.counts(host).catch(() => undefined))?.subscribers[topic] ?? 0) > 0;
  await until(`a host to hold ${topic}`, async () =>
    (await Promise.all(cluster.hosts.map((_, i) => held(i)))).includes(true),
  );
  return tabs;
}

/** The seqs a tab's subscriber to `topic` has received, in order. */
export const seqsOf = (tab: TestTab, topic: string) => tab.eval<number[]>(`tab.seqs(${JSON.stringify(topic)})`);

/** A tab's events as "name host" lines. */
export const eventsOf = async (tab: TestTab) =>
  (await tab.eval<[string, { host?: string }][]>('tab.events()')).map(([name, d]) => `${name} ${d.host ?? ''}`.trim());

/**
 * Proves what a tab got of `topic` after its send: publishes a marker through host 0 and waits for the tab to receive
 * it. The marker's seq shows how many messages the host published before it, so a send published twice shows.
 */
export async function publishMarker(
  cluster: Cluster,
  tab: TestTab,
  topic: string,
): Promise<{ marker: number; seqs: number[] }> {
  const marker = await cluster.publish(topic, 'after');
  await until('the marker to reach the tab', async () => (await seqsOf(tab, topic)).includes(marker), 10_000);
  return { marker, seqs: await seqsOf(tab, topic) };
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

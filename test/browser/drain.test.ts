// A host process sent SIGTERM mid-stream: it drains, the demo's tabs move to the other process at once, every seq delivered.
// (`npm start`'s demo hosts live in one process; a process cluster's host is the one a SIGTERM reaches alone.)

import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ConnectOptions } from '../../src/index.ts';
import {
  type ClusterInfo,
  CONTROL,
  type HostCounts,
  KILL_PROCESS,
  type ProcessClusterOptions,
  START_PROCESSES,
  STOP,
} from '../plugins/commands.ts';
import { eventsOf, openTab, range, seqsOf, type TestTab } from '../support/tabs.ts';
import { until } from '../support/until.ts';

describe('SIGTERM to a host process', function () {
  // Starting redis-server and two Node processes takes a few seconds on a busy machine.
  this.timeout(60_000);
  let cluster: ClusterInfo | undefined;
  const tabs: TestTab[] = [];
  afterEach(async () => {
    await Promise.all(tabs.splice(0).map((tab) => tab.close().catch(() => undefined)));
    if (cluster) await executeServerCommand(STOP, { id: cluster.id });
  });

  const control = <T>(host: number, request: Record<string, unknown>) =>
    executeServerCommand<T, unknown>(CONTROL, { id: cluster!.id, host, ...request });

  it('drains: both tabs move to the other process at once, every seq once and in order', async () => {
    cluster = await executeServerCommand<ClusterInfo, ProcessClusterOptions>(START_PROCESSES, { hosts: 2 });
    const topic = 'ticks/drain';
    const id = crypto.randomUUID();
    // A long failure expiry and reconnect delay: only a drain, not a timeout or a retry, moves the tabs quickly.
    const options: ConnectOptions = {
      config: { hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100, connectTimeout: 5000 },
      worker: '/worker/shared-worker.ts',
      name: `drain-${id}`,
      store: `drain-${id}`,
    };
    for (let i = 0; i < 2; i++) {
      const tab = await openTab();
      tabs.push(tab);
      await tab.eval(`tab.connect(${JSON.stringify(options)})`);
      await tab.eval(`tab.subscribe(${JSON.stringify(topic)})`);
    }
    await until('host 0 to hold the topic', async () => {
      const counts = await control<HostCounts>(0, { action: 'counts' });
      return (counts.subscribers[topic] ?? 0) > 0;
    });

    const [first] = tabs;
    const connectedTo1 = async () => (await eventsOf(first!)).includes(`connected ${cluster!.hosts[1]}`);
    const sent: number[] = [];
    let terminated: Promise<unknown> | undefined;
    let failover = 0;
    // Published through host process 1, which lives, while process 0 (the connected one) drains and exits.
    for (let i = 1; i <= 200; i++) {
      sent.push(await control<number>(1, { action: 'publish', topic, data: { i } }));
      if (i === 100) {
        const signalled = performance.now();
        terminated = executeServerCommand(KILL_PROCESS, { id: cluster.id, host: 0, signal: 'SIGTERM' });
        await until('connected to host 1', connectedTo1, 10_000, 5);
        failover = performance.now() - signalled;
      }
    }
    await terminated;
    expect(sent).to.deep.equal(range(1, 200));
    for (const tab of tabs) {
      await until('all 200 messages after the drain', async () => (await seqsOf(tab, topic)).length >= 200, 20_000);
      expect(await seqsOf(tab, topic)).to.deep.equal(sent);
    }
    const events = await eventsOf(first!);
    expect(events.slice(events.indexOf(`disconnected ${cluster.hosts[0]}`))).to.deep.equal([
      `disconnected ${cluster.hosts[0]}`,
      `connect ${cluster.hosts[1]}`,
      `connected ${cluster.hosts[1]}`,
    ]);
    // Measured from the signal: a drain moves on at once, where a kill -9 waits for the socket to fail (and a
    // blackholed host for the 5 s connect timeout).
    expect(failover, `the failover took ${Math.round(failover)} ms`).to.be.below(3000);
  });
});

// End to end on Redis: real tabs, host processes sharing a real redis-server, and kill -9 of the connected process mid-stream.

import { expect } from '@esm-bundle/chai';
import type { ConnectOptions, SwitchboardConfig } from '../../src/index.ts';
import { type ProcessCluster, startProcessCluster } from '../support/cluster.ts';
import { eventsOf, openTabsOn, range, seqsOf, type TestTab } from '../support/tabs.ts';
import { until } from '../support/until.ts';

function options(config: SwitchboardConfig): ConnectOptions {
  const id = crypto.randomUUID();
  return { config, worker: '/worker/shared-worker.ts', name: `redis-${id}`, store: `redis-${id}` };
}

describe('failover between host processes on Redis', function () {
  // Starting redis-server and two Node processes takes a few seconds on a busy machine.
  this.timeout(60_000);
  let cluster: ProcessCluster | undefined;
  let tab: TestTab | undefined;
  afterEach(async () => {
    await tab?.close().catch(() => undefined);
    await cluster?.stop();
  });

  /** A tab connected to two host processes in order (so to host 0 first), subscribed to `topic`. */
  async function tabOn(topic: string): Promise<TestTab> {
    cluster = await startProcessCluster({ hosts: 2 });
    [tab] = await openTabsOn(cluster, 1, options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100 }), topic);
    expect((await cluster.counts(0)).subscribers[topic]).to.equal(1);
    return tab!;
  }

  it('kill -9 of the connected host process mid-stream: the broker fails over to another process, every seq once and in order', async () => {
    const topic = 'ticks/EURUSD';
    const watching = await tabOn(topic);
    const sent: number[] = [];
    // Published through host process 1, which lives, while process 0 (the connected one) dies halfway.
    for (let i = 1; i <= 200; i++) {
      sent.push(await cluster!.publish(topic, { i }, 1));
      if (i === 100) await cluster!.killProcess(0);
    }
    expect(sent).to.deep.equal(range(1, 200));
    await until(
      'all 200 messages after the failover',
      async () => (await seqsOf(watching, topic)).length >= 200,
      20_000,
    );
    expect(await seqsOf(watching, topic)).to.deep.equal(sent);
    const events = await eventsOf(watching);
    expect(events.slice(events.indexOf(`disconnected ${cluster!.hosts[0]}`))).to.deep.equal([
      `disconnected ${cluster!.hosts[0]}`,
      `connect ${cluster!.hosts[1]}`,
      `connected ${cluster!.hosts[1]}`,
    ]);
  });

  it('sends in flight when the connected process is killed are resent to another process and published once each', async () => {
    const topic = 'orders';
    const sender = await tabOn(topic);
    // 1000 sends in one burst from inside the tab: the process is killed while host 0 works through them, so
    // some are published but not yet acked; the broker sends those again, with the same ids, to host 1.
    const count = 1000;
    await sender.eval(
      `(globalThis.sends = Promise.all(Array.from({ length: ${count} }, (_, i) => tab.send('orders', { i }))), true)`,
    );
    const seqs = () => seqsOf(sender, topic);
    await until('100 sends through host 0', async () => (await seqs()).length >= 100);
    await cluster!.killProcess(0);
    expect(await sender.eval<string[]>('globalThis.sends')).to.deep.equal(range(1, count).map(() => 'ok'));
    // Had any send been published twice, Redis would be past seq 1000 now.
    expect(await cluster!.publish(topic, 'after', 1), 'the next seq in Redis').to.equal(count + 1);
    await until('every message delivered', async () => (await seqs()).length >= count + 1, 20_000);
    expect(await seqs()).to.deep.equal(range(1, count + 1));
  });
});

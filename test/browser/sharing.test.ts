// End to end: several real tabs on one SharedWorker against real reference servers: one connection, failover, worker death.

import { expect } from '@esm-bundle/chai';
import type { Cluster } from '../support/cluster.ts';
import { clusterWithTabs } from '../support/fixture.ts';
import { testOptions as options } from '../support/options.ts';
import { eventsOf, publishMarker, range, seqsOf } from '../support/tabs.ts';
import { until } from '../support/until.ts';

describe('sharing one connection between tabs', () => {
  const fixture = clusterWithTabs();
  let cluster: Cluster;
  const tabsOn = fixture.tabsOn;

  it('3 tabs on one topic: the server sees 1 connection and 1 sub, and every tab gets every message', async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const three = await tabsOn(3, options({ hosts: cluster.hosts, types: ['ws'] }), 'ticks/EURUSD');
    const counts = await cluster.counts(0);
    expect(counts.connections).to.deep.equal({ ws: 1, http: 0, poll: 0 });
    expect(counts.subscribers).to.deep.equal({ 'ticks/EURUSD': 1 });
    for (let i = 0; i < 20; i++) await cluster.publish('ticks/EURUSD', { price: i });
    for (const tab of three) {
      await until('every message in every tab', async () => (await seqsOf(tab, 'ticks/EURUSD')).length === 20);
      expect(await seqsOf(tab, 'ticks/EURUSD')).to.deep.equal(range(1, 20));
    }
  });

  it('the connected host is killed mid-stream: every tab gets every seq once, in order, and the events follow the failover rules', async () => {
    cluster = await fixture.cluster({ hosts: 2 });
    const topic = 'ticks/GBPUSD';
    const two = await tabsOn(2, options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100 }), topic);
    const sent: number[] = [];
    // Publish through host 1, which survives, while host 0 (the connected one) dies halfway.
    for (let i = 1; i <= 200; i++) {
      sent.push(await cluster.publish(topic, { i }, 1));
      if (i === 100) await cluster.kill(0);
    }
    for (const tab of two) {
      await until('all 200 messages after the failover', async () => (await seqsOf(tab, topic)).length >= 200, 15_000);
      expect(await seqsOf(tab, topic)).to.deep.equal(sent);
      const events = (await tab.eval<[string, { host?: string }][]>('tab.events()')).map(([name, d]) =>
        `${name} ${d.host ?? ''}`.trim(),
      );
      expect(events.slice(events.indexOf(`disconnected ${cluster.hosts[0]}`))).to.deep.equal([
        `disconnected ${cluster.hosts[0]}`,
        `connect ${cluster.hosts[1]}`,
        `connected ${cluster.hosts[1]}`,
      ]);
    }
  });

  it("the last tab of a topic leaving unsubscribes it upstream: by its pagehide's goodbye alone, by its Web Lock alone, and when navigated away", async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const opts = options({ hosts: cluster.hosts, types: ['ws'] });
    const [stays, hides, closes, navigates] = await tabsOn(4, opts, 'shared');
    await hides!.eval(`tab.subscribe('hides')`);
    await navigates!.eval(`tab.subscribe('navigates')`);
    await closes!.eval(`tab.subscribe('closes')`);
    // This one can leave only through its lock: its pagehide never reaches Switchboard. (A page navigated away with
    // its pagehide muted would keep its lock in the back/forward cache: that one leaves the usual way.)
    await closes!.eval('tab.muteGoodbye()');
    const subscribers = async () => (await cluster.counts(0)).subscribers;
    await until('every topic held', async () => Object.keys(await subscribers()).length === 4);
    expect(await subscribers()).to.deep.equal({ shared: 1, hides: 1, closes: 1, navigates: 1 });
    // The page lives on and holds its lock: only the goodbye can release it.
    await hides!.eval('tab.pagehide()');
    await until('"hides" to be unsubscribed', async () => !('hides' in (await subscribers())));
    await closes!.close();
    await until('"closes" to be unsubscribed', async () => !('closes' in (await subscribers())));
    await navigates!.navigate('/test/browser/fixtures/tab.html?elsewhere');
    await until('"navigates" to be unsubscribed', async () => !('navigates' in (await subscribers())));
    expect(await subscribers()).to.deep.equal({ shared: 1 });
    expect(await stays!.eval('tab.state().then((s) => s.tabs)'), 'only the tab that stayed').to.equal(1);
  });

  it('a send during an outage is published once after reconnecting; a full queue says so', async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const opts = options({
      hosts: cluster.hosts,
      types: ['ws'],
      sendQueueLimit: 1,
      reconnectDelay: 100,
      failureExpiry: 0,
      // Rounds keep coming while the host is down, however long a loaded machine takes to restart it.
      connectCount: 1_000_000,
      maxReconnectDelay: 500,
    });
    const [sender] = await tabsOn(1, opts, 'orders');
    await cluster.kill(0);
    await until(
      'the outage to show',
      async () => (await sender!.eval<{ status: string }>('tab.state()')).status !== 'connected',
    );
    const queued = sender!.eval<string>(`tab.send('orders', { qty: 1 })`);
    await until(
      'the send to be queued',
      async () => (await sender!.eval<{ pendingSends: number }>('tab.state()')).pendingSends === 1,
    );
    expect(await sender!.eval(`tab.send('orders', { qty: 2 })`)).to.equal(
      'send: the queue is full (1 sends are waiting for a connection)',
    );
    await cluster.restart(0);
    expect(await queued).to.equal('ok');
    const { marker, seqs } = await publishMarker(cluster, sender!, 'orders');
    expect(marker, 'had the send been published twice, the host would be past seq 1').to.equal(2);
    expect(seqs).to.deep.equal([1, 2]);
  });

  it('a new worker skips a host that failed within failureExpiry, read from IndexedDB', async () => {
    cluster = await fixture.cluster({ hosts: 2 });
    await cluster.kill(0);
    const opts = options({ hosts: cluster.hosts, types: ['ws'], failureExpiry: 60_000 });
    const [first] = await tabsOn(1, opts, 'x');
    await until('connected to host 1', async () => (await eventsOf(first!)).includes(`connected ${cluster.hosts[1]}`));
    expect(await eventsOf(first!)).to.deep.equal([
      `connect ${cluster.hosts[0]}`,
      `connectFailed ${cluster.hosts[0]}`,
      `connect ${cluster.hosts[1]}`,
      `connected ${cluster.hosts[1]}`,
    ]);
    await cluster.restart(0);

    // A new worker (another name) on the same IndexedDB store, as after a reload or a new deployment.
    const [reloaded] = await tabsOn(1, { ...opts, name: `${opts.name}-reloaded` }, 'x');
    await until('connected again', async () => (await eventsOf(reloaded!)).includes(`connected ${cluster.hosts[1]}`));
    expect(await eventsOf(reloaded!), 'host 0 is up again but still within its failure expiry').to.deep.equal([
      `connect ${cluster.hosts[1]}`,
      `connected ${cluster.hosts[1]}`,
    ]);
  });
});

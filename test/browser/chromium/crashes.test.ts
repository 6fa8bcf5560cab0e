// Chromium only: a crashed tab and a killed SharedWorker, which only the DevTools protocol (CDP) can cause from a test.

import { expect } from '@esm-bundle/chai';
import { connect } from '../../../src/index.ts';
import type { Cluster } from '../../support/cluster.ts';
import { clusterWithTabs } from '../../support/fixture.ts';
import { testOptions as options } from '../../support/options.ts';
import { killWorker, publishMarker, range, seqsOf } from '../../support/tabs.ts';
import { until } from '../../support/until.ts';

describe('crashes (Chromium only: CDP Page.crash and Target.closeTarget)', () => {
  const fixture = clusterWithTabs();
  let cluster: Cluster;
  const tabsOn = fixture.tabsOn;

  it('a crashed tab (no pagehide, no goodbye) is released through its Web Lock and its topics unsubscribed upstream; other tabs keep going', async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const opts = options({ hosts: cluster.hosts, types: ['ws'] });
    const board = await connect(opts);
    const [crashing] = await tabsOn(1, opts, 'crashes');
    expect((await board.state()).tabs).to.equal(2);
    // crash() fails unless the renderer crashed: the tab never runs its pagehide, so only its lock can release it.
    await crashing!.crash();
    await until('the crashed tab to be released', async () => (await board.state()).tabs === 1);
    await until('"crashes" to be unsubscribed', async () => !('crashes' in (await cluster.counts(0)).subscribers));
    await board.subscribe('crashes', () => undefined);
    expect((await board.state()).tabs, 'the tab that stayed').to.equal(1);
    board.close();
  });

  it('a killed SharedWorker is replaced: tabs restore their topics and callbacks, messages go on with no duplicates', async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const opts = options({ hosts: cluster.hosts, types: ['ws'] });
    const two = await tabsOn(2, opts, 'survives');
    for (let i = 0; i < 10; i++) await cluster.publish('survives', i);
    await until('the first 10', async () => (await seqsOf(two[1]!, 'survives')).length === 10);
    expect(await killWorker(opts.name!)).to.equal(1);
    await until(
      'a new worker with both tabs',
      async () => (await two[0]!.eval<number>('tab.state().then((s) => s.tabs)')) === 2,
      10_000,
    );
    for (let i = 10; i < 20; i++) await cluster.publish('survives', i);
    for (const tab of two) {
      await until('all 20 after the restart', async () => (await seqsOf(tab, 'survives')).length >= 20, 10_000);
      const seqs = await seqsOf(tab, 'survives');
      expect(seqs.slice(0, 10)).to.deep.equal(range(1, 10));
      expect(new Set(seqs).size, 'no duplicates').to.equal(seqs.length);
      expect(seqs.slice(-10)).to.deep.equal(range(11, 20));
    }
  });

  it('a send pending when the worker dies is published once, by the next worker', async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const opts = options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100, failureExpiry: 0 });
    const [sender] = await tabsOn(1, opts, 'orders');
    await cluster.kill(0);
    await until(
      'the outage to show',
      async () => (await sender!.eval<{ status: string }>('tab.state()')).status !== 'connected',
    );
    const sent = sender!.eval<string>(`tab.send('orders', { qty: 1 })`);
    await until(
      'the send to be queued',
      async () => (await sender!.eval<{ pendingSends: number }>('tab.state()')).pendingSends === 1,
    );
    expect(await killWorker(opts.name!)).to.equal(1);
    await cluster.restart(0);
    expect(await sent).to.equal('ok');
    const { marker, seqs } = await publishMarker(cluster, sender!, 'orders');
    expect(marker, 'had the send been published twice, the host would be past seq 1').to.equal(2);
    expect(seqs).to.deep.equal([1, 2]);
  });

  it('a topic with no message yet resumes in the next worker from where it stood: what is published meanwhile arrives', async () => {
    cluster = await fixture.cluster({ hosts: 1 });
    const opts = options({ hosts: cluster.hosts, types: ['ws'] });
    const [tab] = await tabsOn(1, opts, 'quiet');
    // The host's answer (seq 0) reaches the tab in the turn after it holds the topic; give it ample time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await killWorker(opts.name!)).to.equal(1);
    await cluster.publish('quiet', 'while the worker was down');
    await until(
      'the message to arrive through the next worker',
      async () => (await seqsOf(tab!, 'quiet')).length === 1,
      10_000,
    );
    expect(await seqsOf(tab!, 'quiet')).to.deep.equal([1]);
  });
});

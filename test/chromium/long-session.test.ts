// Chromium only (CDP reads the worker's heap and ports): tabs coming and going leave the worker as they found it.

import { expect } from '@esm-bundle/chai';
import { connect } from '../../src/index.ts';
import { startCluster, type Cluster } from '../support/cluster.ts';
import { testOptions } from '../support/options.ts';
import { openTab, probeWorker, until } from '../support/tabs.ts';

/** Cycles of a tab opening, subscribing and closing. */
const CYCLES = 12;

describe(`long session (${CYCLES} tab cycles; Chromium only: CDP probes the worker)`, () => {
  let cluster: Cluster;
  afterEach(() => cluster?.stop());

  it('worker memory, its ports, the topic table and the host\'s subscribers stay flat', async () => {
    cluster = await startCluster({ hosts: 1 });
    const options = testOptions({ hosts: cluster.hosts, types: ['ws'] });
    const board = await connect(options);
    await board.subscribe('always', () => undefined);

    const cycle = async (i: number) => {
      const tab = await openTab();
      await tab.eval(`tab.connect(${JSON.stringify(options)})`);
      for (const topic of ['always', `cycle/${i % 3}`, `cycle/${i}`]) await tab.eval(`tab.subscribe(${JSON.stringify(topic)})`);
      await tab.eval('tab.state()');
      await tab.close();
      await until('the tab to be released', async () => (await board.state()).tabs === 1, 3000);
    };
    // Warm up, so the first measure counts what a steady worker holds.
    for (let i = 0; i < 3; i++) await cycle(i);
    const before = await probeWorker(options.name!);
    for (let i = 3; i < 3 + CYCLES; i++) await cycle(i);
    const after = await probeWorker(options.name!);

    expect((await board.state()).topics.map((t) => t.topic)).to.deep.equal(['always']);
    await until('the host to hold only "always"', async () => JSON.stringify((await cluster.counts(0)).subscribers) === '{"always":1}');
    expect(after.ports, `ports before ${before.ports}, after ${after.ports}`).to.be.at.most(before.ports);
    // A leaked tab (Comlink proxy, listeners, batches) costs tens of KB; allow noise well below one per cycle.
    expect(after.heapBytes - before.heapBytes, `heap before ${before.heapBytes}, after ${after.heapBytes}`).to.be.below(CYCLES * 8 * 1024);
    board.close();
  });
});

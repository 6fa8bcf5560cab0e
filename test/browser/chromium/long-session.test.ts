// Chromium only (CDP reads the worker's heap and ports): tabs coming and going leave the worker as they found it.

import { expect } from '@esm-bundle/chai';
import { connect } from '../../../src/index.ts';
import { type Cluster, startCluster } from '../../support/cluster.ts';
import { testOptions } from '../../support/options.ts';
import { grown, longSessionSeconds, openTab, probeWorker, snapshotWorker } from '../../support/tabs.ts';
import { until } from '../../support/until.ts';

/** Cycles of a tab opening, subscribing and closing, after which the heap is checked for a gross leak. */
const CYCLES = 12;
/**
 * The short version that npm test runs (LONG_SESSION_SECONDS unset) counts cycles, not seconds: it settles until
 * cycle SETTLED, then judges the heap's slope over JUDGED more cycles (about 25 s in all on an idle machine).
 * Enough to tell V8's last compiling (~300 B a cycle there) from a leak of 2 KB a cycle.
 */
const SETTLED = 30;
const JUDGED = 30;

describe('long session (Chromium only: CDP probes the worker)', () => {
  let cluster: Cluster;
  afterEach(() => cluster?.stop());

  it("worker memory, its ports, the topic table and the host's subscribers stay flat", async function () {
    // npm run long-session: as many cycles as fit in LONG_SESSION_SECONDS (10 minutes by default there).
    const seconds = await longSessionSeconds();
    // A cycle takes about 0.4 s on an idle machine; give a loaded one several times that.
    this.timeout(seconds > 0 ? seconds * 1000 + 60_000 : (3 + SETTLED + JUDGED) * 2000 + 60_000);
    cluster = await startCluster({ hosts: 1 });
    const options = testOptions({ hosts: cluster.hosts, types: ['ws'] });
    const board = await connect(options);
    await board.subscribe('always', () => undefined);

    const cycle = async (i: number) => {
      const tab = await openTab();
      await tab.eval(`tab.connect(${JSON.stringify(options)})`);
      for (const topic of ['always', `cycle/${i % 3}`, `cycle/${i}`])
        await tab.eval(`tab.subscribe(${JSON.stringify(topic)})`);
      await tab.eval('tab.state()');
      await tab.close();
      await until('the tab to be released', async () => (await board.state()).tabs === 1, 3000);
    };
    // Warm up, so the first measure counts what a steady worker holds.
    for (let i = 0; i < 3; i++) await cycle(i);
    const before = await probeWorker(options.name!);
    const start = Date.now();
    let cycles = 0;
    while (cycles < CYCLES) await cycle(3 + cycles++);
    const warm = await probeWorker(options.name!);
    // A long run judges its second half: for its first few hundred cycles V8 goes on compiling the worker's hot
    // functions (checkTopic, enqueue, Comlink's handlers…) to machine code, some 55 KB with their map dependencies,
    // which the first half would count as ~150 B a cycle; after that it adds next to nothing.
    const settling = () => (seconds > 0 ? Date.now() < start + seconds * 500 : cycles < SETTLED);
    while (settling()) await cycle(3 + cycles++);
    const settled = await probeWorker(options.name!);
    const settledCycles = cycles;
    const snapshot = seconds > 0 ? await snapshotWorker(options.name!) : {};
    const judging = () => (seconds > 0 ? Date.now() < start + seconds * 1000 : cycles < settledCycles + JUDGED);
    while (judging()) await cycle(3 + cycles++);
    const after = await probeWorker(options.name!);
    expect(cycles - settledCycles, 'cycles judged in the second half').to.be.at.least(Math.min(JUDGED, 10));
    const perCycle = Math.round((after.heapBytes - settled.heapBytes) / (cycles - settledCycles));
    console.log(
      `long session: ${cycles} tab cycles; worker heap ${before.heapBytes} → ${warm.heapBytes} → ${settled.heapBytes} (cycle ${settledCycles}) → ${after.heapBytes} B (${perCycle} B a cycle in the second half), ports ${before.ports} → ${after.ports}`,
    );
    // What grew in the second half, by kind of object, so a failure names its leak.
    if (seconds > 0)
      console.log(
        ['long session: grew in the second half', ...grown(snapshot, await snapshotWorker(options.name!))].join('\n  '),
      );

    expect((await board.state()).topics.map((t) => t.topic)).to.deep.equal(['always']);
    await until(
      'the host to hold only "always"',
      async () => JSON.stringify((await cluster.counts(0)).subscribers) === '{"always":1}',
    );
    // The last tab's port goes with the next garbage collection that finds it unreachable.
    await until(
      `the worker's ports back to ${before.ports} (${after.ports} after the cycles)`,
      async () => (await probeWorker(options.name!)).ports <= before.ports,
      5000,
    );
    // A leaked tab (its Comlink listener, port, batches) costs several KB: allow well below one a cycle.
    expect(
      warm.heapBytes - before.heapBytes,
      `heap before ${before.heapBytes}, after ${CYCLES} cycles ${warm.heapBytes}`,
    ).to.be.below(CYCLES * 8 * 1024);
    expect(perCycle, 'heap growth a cycle in the second half').to.be.below(1024);
    board.close();
  });
});

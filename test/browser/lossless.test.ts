// End to end, the lossless promise where hosts are not kind: a history that began again, refused subscriptions, tabs that resume behind, unknown outcomes.

import { expect } from '@esm-bundle/chai';
import { type Board, type ConnectOptions, connect, SwitchboardError } from '../../src/index.ts';
import { type Cluster, type ProcessCluster, startProcessCluster } from '../support/cluster.ts';
import { clusterWithTabs } from '../support/fixture.ts';
import { testOptions as options } from '../support/options.ts';
import { eventsOf, range, seqsOf, type TestTab } from '../support/tabs.ts';
import { until } from '../support/until.ts';

/** What a tab's board saw of one topic: seqs in order, and its gap and reset events. */
function watch(board: Board, topic: string) {
  const seen = { seqs: [] as number[], gaps: [] as unknown[], resets: [] as unknown[] };
  board.on('gap', (gap) => gap.topic === topic && seen.gaps.push(gap));
  board.on('reset', (reset) => reset.topic === topic && seen.resets.push(reset));
  const subscribed = board.subscribe(topic, (_, { seq }) => seen.seqs.push(seq));
  return { seen, subscribed };
}

/** The page hides as it enters the back/forward cache, and shows again when it is restored. */
const enterCache = () => dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
const leaveCache = () => dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));

describe('lossless where hosts are not kind', () => {
  const fixture = clusterWithTabs();
  const boards: Board[] = [];
  afterEach(() => {
    for (const board of boards.splice(0)) board.close();
  });
  const open = async (...args: Parameters<typeof connect>) => {
    const board = await connect(...args);
    boards.push(board);
    return board;
  };

  /** Another tab and this page's board on `feed`, both past its first 10 messages. */
  const tenIn = async (cluster: Cluster, opts: ConnectOptions) => {
    const [other] = await fixture.tabsOn(1, opts, 'feed');
    const { seen, subscribed } = watch(await open(opts), 'feed');
    await subscribed;
    for (let i = 1; i <= 10; i++) await cluster.publish('feed', i);
    await until('the first 10 here', () => seen.seqs.length === 10);
    return { other: other!, seen };
  };

  it('a host restarted without its history: every tab gets every new message, and one reset per topic', async () => {
    const cluster: Cluster = await fixture.cluster({ hosts: 2, ownHistory: true });
    const opts = options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100 });
    const tabs: TestTab[] = await fixture.tabsOn(2, opts, 'a');
    for (const tab of tabs) await tab.eval(`tab.subscribe('b')`);
    for (let i = 1; i <= 10; i++) {
      await cluster.publish('a', { i });
      await cluster.publish('b', { i });
    }
    for (const tab of tabs) await until('10 messages of b', async () => (await seqsOf(tab, 'b')).length === 10);
    // Host 0 comes back empty; the tabs move to host 1, whose history of a and b is another one, with nothing yet.
    await cluster.restartEmpty(0);
    await until('a host to hold b again', async () => (await cluster.counts(1)).subscribers.b === 1);
    for (let i = 1; i <= 5; i++) {
      await cluster.publish('a', { i }, 1);
      await cluster.publish('b', { i }, 1);
    }
    for (const tab of tabs) {
      await until('the new history in every tab', async () => (await seqsOf(tab, 'b')).length === 15);
      expect(await seqsOf(tab, 'a')).to.deep.equal([...range(1, 10), ...range(1, 5)]);
      expect(await seqsOf(tab, 'b')).to.deep.equal([...range(1, 10), ...range(1, 5)]);
      const resets = (await tab.eval<[string, { topic?: string }][]>('tab.events()')).filter(([e]) => e === 'reset');
      const resetOf = ({ topic, last, seq }: { topic?: string; last?: number; seq?: number }) => ({ topic, last, seq });
      expect(resets.map(([, detail]) => resetOf(detail))).to.have.deep.members([
        { topic: 'a', last: 10, seq: 0 },
        { topic: 'b', last: 10, seq: 0 },
      ]);
      expect(await eventsOf(tab), 'no gap: the loss is the reset').to.not.include('gap');
    }
  });

  it('a host that refuses subscriptions for 2 s (unavailable), then accepts: messages arrive without the page doing anything', async () => {
    const cluster = await fixture.cluster({ hosts: 1 });
    await cluster.refuseSubscriptions(0, 'unavailable');
    const board = await open(options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 200 }));
    const errors: string[] = [];
    board.on('error', ({ what, topic }) => errors.push(`${what} ${topic}`));
    const { seen, subscribed } = watch(board, 'prices');
    let confirmed = false;
    void subscribed.then(() => {
      confirmed = true;
    });
    await until('the host to refuse the sub', () => errors.includes('sub prices'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(confirmed, 'not confirmed while the host refuses').to.equal(false);
    await cluster.refuseSubscriptions(0, null);
    await subscribed;
    for (let i = 1; i <= 3; i++) await cluster.publish('prices', { i });
    await until('the messages', () => seen.seqs.length === 3, 15_000);
    expect(seen.seqs).to.deep.equal([1, 2, 3]);
    expect((await cluster.counts(0)).connections.ws, 'the connection was kept').to.equal(1);
    expect((await board.state()).topics.map(({ topic, state }) => `${topic} ${state}`)).to.deep.equal(['prices live']);
  });

  it('a topic the host forbids: subscribe() and send() reject with code forbidden, other topics work', async () => {
    const cluster = await fixture.cluster({ hosts: 1, forbid: ['secret/'] });
    const board = await open(options({ hosts: cluster.hosts, types: ['ws'] }));
    const refusal = await board.subscribe('secret/plans', () => undefined).catch((error: SwitchboardError) => error);
    expect(refusal).to.be.instanceOf(SwitchboardError);
    expect((refusal as SwitchboardError).code).to.equal('forbidden');
    const sent = await board.send('secret/plans', 1).catch((error: SwitchboardError) => error);
    expect((sent as SwitchboardError).code).to.equal('forbidden');
    const { seen, subscribed } = watch(board, 'public');
    await subscribed;
    await cluster.publish('public', 'hello');
    await until('the allowed topic', () => seen.seqs.length === 1);
    expect((await board.state()).topics.map(({ topic }) => topic)).to.deep.equal(['public']);
  });

  it('a tab that leaves in one history and comes back after it began again is told of a reset, and goes on in the new one', async () => {
    const cluster = await fixture.cluster({ hosts: 2, ownHistory: true });
    const opts = options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100 });
    const { other, seen } = await tenIn(cluster, opts);
    enterCache();
    // While this page is away, the other tab's worker moves to host 1, whose history of the feed is another one.
    await cluster.kill(0);
    await until('the worker on host 1', async () => (await cluster.counts(1)).subscribers.feed === 1);
    for (let i = 1; i <= 15; i++) await cluster.publish('feed', i, 1);
    await until('the other tab in the new history', async () => (await seqsOf(other, 'feed')).length === 25);
    leaveCache();
    await until('this tab to hear of the reset', () => seen.resets.length === 1);
    const [reset] = seen.resets as { topic: string; last: number; seq: number; epoch: string }[];
    expect(reset).to.deep.include({ topic: 'feed', last: 10, seq: 15 });
    expect(reset!.epoch, "host 1's history").to.be.a('string');
    await cluster.publish('feed', 16, 1);
    await until('the next message of the new history', () => seen.seqs.length === 11);
    expect(seen.seqs, 'old seqs 11 to 15 of the new history are not taken for the old one').to.deep.equal([
      ...range(1, 10),
      16,
    ]);
  });

  for (const [replayLimit, expected] of [
    [100, { gaps: [], seqs: range(1, 60) }],
    [20, { gaps: [{ topic: 'feed', from: 11, to: 40 }], seqs: [...range(1, 10), ...range(41, 60)] }],
  ] as const) {
    it(`a tab that resumes 50 messages behind another tab gets them all, or a gap naming exactly those it cannot (replayLimit ${replayLimit})`, async () => {
      const cluster = await fixture.cluster({ hosts: 1 });
      const opts = options({ hosts: cluster.hosts, types: ['ws'], replayLimit });
      const { other, seen } = await tenIn(cluster, opts);
      enterCache();
      for (let i = 11; i <= 60; i++) await cluster.publish('feed', i);
      await until('the other tab to get all 60', async () => (await seqsOf(other, 'feed')).length === 60);
      expect(seen.seqs, 'nothing arrives while the page is in the cache').to.have.length(10);
      leaveCache();
      await until('this tab to catch up', () => seen.seqs.at(-1) === 60);
      expect(seen.seqs).to.deep.equal(expected.seqs);
      expect(seen.gaps).to.deep.equal(expected.gaps);
    });
  }
});

describe('lossless on Redis when its outcome is unknown', function () {
  // Starting redis-server and host processes takes a few seconds on a busy machine.
  this.timeout(60_000);
  let cluster: ProcessCluster | undefined;
  const boards: Board[] = [];
  afterEach(async () => {
    for (const board of boards.splice(0)) board.close();
    await cluster?.stop();
  });

  it('Redis dies during a failover: the next host is asked until its Redis is back; every seq once, and a send made meanwhile published once', async () => {
    cluster = await startProcessCluster({ hosts: 2 });
    const board = await connect(
      options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 200, maxReconnectDelay: 1000 }),
    );
    boards.push(board);
    const { seen, subscribed } = watch(board, 'ticks');
    await subscribed;
    for (let i = 1; i <= 20; i++) await cluster.publish('ticks', i, 1);
    await until('the first 20', () => seen.seqs.length === 20);
    await cluster.killRedis();
    await cluster.killProcess(0);
    await until('the board to reach host 1', async () => (await board.state()).connected?.index === 1, 20_000);
    let acked = false;
    const order = board.send('ticks', 'order').then(() => {
      acked = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(acked, 'no ack while Redis is down').to.equal(false);
    expect((await board.state()).topics[0]?.state, 'host 1 cannot confirm the topic yet').to.equal('subscribing');
    await cluster.startRedis();
    await order;
    for (let i = 1; i <= 9; i++) await cluster.publish('ticks', 21 + i, 1);
    await until('every seq after the outage', () => seen.seqs.length === 30, 20_000);
    expect(seen.seqs).to.deep.equal(range(1, 30));
    expect(seen.gaps).to.deep.equal([]);
    expect(seen.resets).to.deep.equal([]);
  });

  it('a send whose pub times out while Redis is paused is published exactly once, after the pause, with its first id', async () => {
    cluster = await startProcessCluster({ hosts: 1, redisTimeout: 500 });
    const board = await connect(options({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 300 }));
    boards.push(board);
    const { seen, subscribed } = watch(board, 'orders');
    await subscribed;
    await cluster.publish('orders', 'before');
    await until('the first message', () => seen.seqs.length === 1);
    await cluster.pauseRedis(2500);
    let acked = false;
    const order = board.send('orders', { qty: 1 }).then(() => {
      acked = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(acked, 'no ack while Redis cannot answer').to.equal(false);
    await order;
    await until('the order to come back to the subscriber', () => seen.seqs.length >= 2, 15_000);
    // The next message's seq shows how many were published: the order took exactly one seq.
    expect(await cluster.publish('orders', 'after')).to.equal(3);
    await until('the last message', () => seen.seqs.length === 3);
    expect(seen.seqs).to.deep.equal([1, 2, 3]);
  });
});

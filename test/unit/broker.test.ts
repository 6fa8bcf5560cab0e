// The broker on a fake world: refcounted topics, resubscribe from the last seq, dedupe, gaps, the send queue, idle close.

import { expect } from '@esm-bundle/chai';
import { parseConfig, type SwitchboardConfig } from '../../shared/config.ts';
import { SwitchboardError } from '../../shared/errors.ts';
import type { BrokerEvents, Delivery, Gap, Reset } from '../../shared/state.ts';
import { Broker } from '../../worker/broker.ts';
import { memoryExpiryStore } from '../../worker/expiry.ts';
import { drawPlan } from '../../worker/plan.ts';
import type { Subscriber } from '../../worker/topics.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';
import { FakeTransport, type HostBehaviour } from '../support/fake-transport.ts';
import { seededRandom } from '../support/random.ts';

interface RecordingTab extends Subscriber {
  batches: Delivery[][];
  stands: Delivery[];
  gaps: Gap[];
  resets: Reset[];
  seqs(topic: string): number[];
}

/** A tab that records what it receives: messages by batch, and apart from them, where each topic stands. */
function tab(): RecordingTab {
  const batches: Delivery[][] = [];
  const stands: Delivery[] = [];
  const gaps: Gap[] = [];
  const resets: Reset[] = [];
  return {
    batches,
    stands,
    gaps,
    resets,
    reset: (reset) => resets.push(reset),
    deliver: (batch) => {
      stands.push(...batch.filter((item) => item.length === 2));
      const messages = batch.filter((item) => item.length === 3);
      if (messages.length > 0) batches.push(messages);
    },
    gap: (gap) => gaps.push(gap),
    seqs: (topic) =>
      batches
        .flat()
        .filter(([t]) => t === topic)
        .map(([, seq]) => seq),
  };
}

/** What became of a subscribe() call so far. */
interface Subscription {
  outcome: 'waiting' | 'confirmed' | SwitchboardError;
}

/** broker.subscribe, its outcome kept for the test to read (one still waiting when the broker closes is no error). */
function subscribe(broker: Broker, subscriber: Subscriber, topic: string, from?: number): Subscription {
  const subscription: Subscription = { outcome: 'waiting' };
  broker.subscribe(subscriber, topic, from).then(
    () => {
      subscription.outcome = 'confirmed';
    },
    (error: SwitchboardError) => {
      subscription.outcome = error;
    },
  );
  return subscription;
}

function setup(
  config: Partial<SwitchboardConfig> = {},
  behaviour: () => HostBehaviour = () => 'accept',
  random: () => number = Math.random,
) {
  const clock = new FakeClock();
  const transport = new FakeTransport(behaviour);
  const events: [keyof BrokerEvents, unknown][] = [];
  const broker = new Broker(
    parseConfig({ hosts: ['http://a.test', 'http://b.test'], types: ['ws'], reconnectDelay: 0, ...config }),
    {
      clock,
      random,
      transport: transport.open,
      expiries: memoryExpiryStore(),
      schedule: (flush) => queueMicrotask(flush),
    },
    (name, detail) => name !== 'state' && events.push([name, detail]),
  );
  /** Frames the broker sent on the live connection. */
  const sent = () => transport.live?.sent ?? [];
  return { clock, transport, broker, events, sent };
}

describe('broker', () => {
  it('opens the connection on the first subscribe, sends one sub per topic and one unsub when the last tab leaves', async () => {
    const { broker, clock, sent, transport } = setup();
    const [one, two] = [tab(), tab()];
    expect(transport.requests).to.have.length(0);
    subscribe(broker, one, 'ticks/EURUSD');
    subscribe(broker, two, 'ticks/EURUSD');
    await clock.advance(0);
    expect(sent()).to.deep.equal([{ op: 'sub', topic: 'ticks/EURUSD' }]);
    broker.unsubscribe(one, 'ticks/EURUSD');
    expect(sent()).to.have.length(1);
    broker.release(two);
    expect(sent().at(-1)).to.deep.equal({ op: 'unsub', topic: 'ticks/EURUSD' });
    broker.close();
  });

  it('delivers each message to every tab of its topic, one batch per tab per turn, and drops repeats', async () => {
    const { broker, clock, transport } = setup();
    const [one, two] = [tab(), tab()];
    subscribe(broker, one, 'news');
    subscribe(broker, two, 'news');
    await clock.advance(0);
    const live = transport.live!;
    live.push({ op: 'subscribed', topic: 'news', seq: 0, recovered: true });
    for (const seq of [1, 2, 2, 1, 3]) live.push({ op: 'msg', topic: 'news', seq, data: { seq } });
    await clock.advance(0);
    expect(one.batches).to.deep.equal([
      [
        ['news', 1, { seq: 1 }],
        ['news', 2, { seq: 2 }],
        ['news', 3, { seq: 3 }],
      ],
    ]);
    expect(two.batches).to.deep.equal(one.batches);
    broker.close();
  });

  it('after a failover, resubscribes every live topic from the last seq delivered and reports a gap the server could not replay', async () => {
    const { broker, clock, transport } = setup();
    const subscriber = tab();
    subscribe(broker, subscriber, 'a');
    subscribe(broker, subscriber, 'b');
    await clock.advance(0);
    const first = transport.live!;
    first.push({ op: 'subscribed', topic: 'a', seq: 10, recovered: true });
    first.push({ op: 'subscribed', topic: 'b', seq: 0, recovered: true });
    first.push({ op: 'msg', topic: 'a', seq: 11, data: 'x' });
    first.push({ op: 'msg', topic: 'b', seq: 1, data: 'y' });
    first.drop('reset');
    await clock.advance(0);
    const second = transport.live!;
    expect(second).to.not.equal(first);
    expect(second.sent).to.deep.equal([
      { op: 'sub', topic: 'a', from: 11 },
      { op: 'sub', topic: 'b', from: 1 },
    ]);
    // b's history was trimmed: 2..4 are lost, 5 comes.
    second.push({ op: 'msg', topic: 'a', seq: 11, data: 'x' });
    second.push({ op: 'msg', topic: 'a', seq: 12, data: 'z' });
    second.push({ op: 'subscribed', topic: 'a', seq: 12, recovered: true });
    second.push({ op: 'msg', topic: 'b', seq: 5, data: 'w' });
    second.push({ op: 'subscribed', topic: 'b', seq: 5, recovered: false });
    await clock.advance(0);
    expect(subscriber.seqs('a')).to.deep.equal([11, 12]);
    expect(subscriber.seqs('b')).to.deep.equal([1, 5]);
    expect(subscriber.gaps).to.deep.equal([{ topic: 'b', from: 2, to: 4 }]);
    broker.close();
  });

  it("sends resolve on ack and reject on nack with the server's reason", async () => {
    const { broker, clock, transport } = setup();
    const ok = broker.send('orders', { qty: 1 }, 'id-1');
    const refused = broker.send('orders', { qty: -1 }, 'id-2');
    await clock.advance(0);
    transport.live!.push({ op: 'ack', id: 'id-1' });
    transport.live!.push({ op: 'nack', id: 'id-2', error: 'negative quantity' });
    await ok;
    const error = await refused.then(
      () => undefined,
      (e: SwitchboardError) => e,
    );
    expect(error?.message).to.equal('send: the server refused "orders": negative quantity');
    expect(error?.code).to.equal('nack');
    broker.close();
  });

  it('queues sends while no host is connected, sends them in order with the same ids after reconnecting, and rejects when full', async () => {
    const { broker, clock, transport } = setup({ sendQueueLimit: 2, reconnectDelay: 1000 });
    subscribe(broker, tab(), 't');
    await clock.advance(0);
    transport.live!.drop('reset');
    // Rounds start reconnectDelay apart: for that long no host is connected and the sends wait.
    await settle();
    expect(broker.state().status).to.equal('waiting');
    const first = broker.send('t', 1, 'id-1');
    const second = broker.send('t', 2, 'id-2');
    const third = broker.send('t', 3, 'id-3').then(
      () => 'sent',
      (e: SwitchboardError) => `${e.code}: ${e.message}`,
    );
    expect(await third).to.equal('queue-full: send: the queue is full (2 sends are waiting for a connection)');
    await clock.advance(1000);
    const pubs = transport.live!.sent.filter((f) => (f as { op: string }).op === 'pub');
    expect(pubs).to.deep.equal([
      { op: 'pub', topic: 't', data: 1, id: 'id-1' },
      { op: 'pub', topic: 't', data: 2, id: 'id-2' },
    ]);
    transport.live!.push({ op: 'ack', id: 'id-1' });
    transport.live!.push({ op: 'ack', id: 'id-2' });
    await Promise.all([first, second]);
    broker.close();
  });

  it('rejects bad topics and data that is not JSON, and keeps working', async () => {
    const { broker, clock, sent } = setup();
    const subscriber = tab();
    expect(() => subscribe(broker, subscriber, ''))
      .to.throw(
        SwitchboardError,
        'subscribe: topic must be a non-empty string of at most 256 characters, got a string of 0 characters',
      )
      .with.property('code', 'invalid-argument');
    expect(() => subscribe(broker, subscriber, 42 as unknown as string)).to.throw(
      'subscribe: topic must be a non-empty string of at most 256 characters, got number',
    );
    expect(() => subscribe(broker, subscriber, 'x'.repeat(257))).to.throw('got a string of 257 characters');
    const error = await broker.send('t', { n: 1n }, 'id').then(
      () => undefined,
      (e: SwitchboardError) => `${e.code}: ${e.message}`,
    );
    expect(error).to.match(/^invalid-argument: send: data for "t" cannot be sent as JSON \(.+\)$/);
    subscribe(broker, subscriber, 'fine');
    await clock.advance(0);
    expect(sent()).to.deep.equal([{ op: 'sub', topic: 'fine' }]);
    broker.close();
  });

  it('a drain moves to the next host at once and gives the drained host its failure expiry', async () => {
    const { broker, clock, transport, events } = setup({ failureExpiry: 60_000 });
    subscribe(broker, tab(), 't');
    await clock.advance(0);
    transport.live!.push({ op: 'drain' });
    await clock.advance(0);
    expect(events.map(([name, d]) => `${name} ${(d as { host?: string }).host ?? ''}`.trim())).to.deep.equal([
      'connect http://a.test',
      'connected http://a.test',
      'disconnected http://a.test',
      'connect http://b.test',
      'connected http://b.test',
    ]);
    expect(broker.state().expiries.map((e) => e.host)).to.deep.equal(['http://a.test']);
    broker.close();
  });

  it('closes the upstream connection after idleTimeout with no topic and no send, and reopens on the next subscribe', async () => {
    const { broker, clock, transport } = setup({ idleTimeout: 30_000 });
    const subscriber = tab();
    subscribe(broker, subscriber, 't');
    await clock.advance(0);
    broker.unsubscribe(subscriber, 't');
    await clock.advance(29_999);
    expect(transport.live, 'still open within the grace period').to.not.equal(undefined);
    await clock.advance(1);
    expect(transport.live).to.equal(undefined);
    expect(broker.state().status).to.equal('idle');
    subscribe(broker, subscriber, 't');
    await clock.advance(0);
    expect(transport.live!.sent).to.deep.equal([{ op: 'sub', topic: 't' }]);
    broker.close();
  });

  it('a quiet topic (no message yet) is resubscribed from the seq the host gave, so a message sent during the outage arrives', async () => {
    const { broker, clock, transport } = setup({ reconnectDelay: 1000 });
    const subscriber = tab();
    subscribe(broker, subscriber, 'quiet');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'quiet', seq: 0, recovered: true });
    transport.live!.drop('reset');
    await clock.advance(1000);
    expect(transport.live!.sent).to.deep.equal([{ op: 'sub', topic: 'quiet', from: 0 }]);
    transport.live!.push({ op: 'msg', topic: 'quiet', seq: 1, data: 'sent while no host was connected' });
    transport.live!.push({ op: 'subscribed', topic: 'quiet', seq: 1, recovered: true });
    await clock.advance(0);
    expect(subscriber.seqs('quiet')).to.deep.equal([1]);
    expect(subscriber.gaps).to.deep.equal([]);
    broker.close();
  });

  it('resolve() joins a path to the connected host, waiting for the loop to reach one', async () => {
    const { broker, clock } = setup({ hosts: ['http://a.test/base', 'http://b.test/'] });
    const resolved = broker.resolve('video/clip.mp4');
    await clock.advance(0);
    expect(await resolved).to.equal('http://a.test/base/video/clip.mp4');
    expect(await broker.resolve('/clip.mp4')).to.equal('http://a.test/base/clip.mp4');
    const error = await broker.resolve('https://elsewhere.test/x').then(
      () => '',
      (e: Error) => e.message,
    );
    expect(error).to.equal(
      'resolve: "https://elsewhere.test/x" is an absolute URL; give a path on the hosts, such as "/video/clip.mp4"',
    );
    broker.close();
  });

  it('resolve() rejects after connectCount rounds, naming the hosts tried', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(() => 'refuse');
    const broker = new Broker(
      parseConfig({ hosts: ['http://a.test', 'http://b.test'], types: ['ws'], connectCount: 2, failureExpiry: 0 }),
      {
        clock,
        random: Math.random,
        transport: transport.open,
        expiries: memoryExpiryStore(),
        schedule: (flush) => queueMicrotask(flush),
      },
      () => undefined,
    );
    const resolved = broker.resolve('/x').then(
      () => '',
      (e: SwitchboardError) => `${e.code}: ${e.message}`,
    );
    await clock.advance(10_000);
    expect(await resolved).to.equal(
      'unavailable: resolve: no host answered in 2 rounds (tried http://a.test, http://b.test)',
    );
    broker.close();
  });

  it('a request plan starts at the connected host, leaves out resting hosts, and a failed request makes the loop skip its host', async () => {
    const { broker, clock, transport, events } = setup({
      hosts: ['http://a.test', 'http://b.test', 'http://c.test'],
      failureExpiry: 60_000,
    });
    expect(
      (await broker.requestPlan()).hosts.map((h) => h.index),
      'idle: the plan',
    ).to.deep.equal([0, 1, 2]);
    subscribe(broker, tab(), 't');
    await clock.advance(0);
    transport.live!.drop('reset');
    await clock.advance(0);
    const plan = await broker.requestPlan();
    expect(
      plan.hosts.map((h) => h.index),
      'b is connected: it comes first',
    ).to.deep.equal([1, 0, 2]);
    expect(plan).to.include({ connectTimeout: 2000 });
    expect(plan.retryStatuses).to.deep.equal([502, 503, 504]);
    broker.requestAttempt(2);
    broker.requestFailed(2, 'HTTP 503');
    expect(events.slice(-2)).to.deep.equal([
      ['connect', { host: 'http://c.test', index: 2, type: 'http', request: true }],
      ['connectFailed', { host: 'http://c.test', index: 2, type: 'http', reason: 'HTTP 503', request: true }],
    ]);
    const after = await broker.requestPlan();
    expect(after.hosts.map((h) => h.index)).to.deep.equal([1, 0]);
    expect(after.resting).to.deep.equal([{ host: 'http://c.test', until: clock.now() + 60_000 }]);
    transport.live!.drop('reset');
    await clock.advance(0);
    const connects = events
      .filter(([name, d]) => name === 'connect' && !(d as { request?: boolean }).request)
      .map(([, d]) => (d as { host: string }).host);
    expect(connects.slice(-1), 'after b drops, c (failed by a request) is skipped').to.deep.equal(['http://a.test']);
    broker.close();
  });

  it('close() rejects unacknowledged sends and waiting resolves with code closed', async () => {
    const { broker } = setup();
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => 'done',
        (e: SwitchboardError) => `${e.code}: ${e.message}`,
      );
    const sent = outcome(broker.send('t', 1, 'id-1'));
    const resolved = outcome(broker.resolve('/x'));
    broker.close();
    expect(await sent).to.equal('closed: send: Switchboard closed before the server acknowledged it');
    expect(await resolved).to.equal('closed: resolve: Switchboard closed before a host answered');
  });

  it('names the call and the valid range for a host index that is not in the config', async () => {
    const { broker } = setup();
    const error = await broker.clearExpiry(7).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(error).to.equal("clearExpiry: index must be a host's index in the config, 0 to 1, got 7");
    expect(() => broker.requestFailed(1.5, 'x'))
      .to.throw("requestFailed: index must be a host's index in the config, 0 to 1, got 1.5")
      .with.property('code', 'invalid-argument');
    broker.close();
  });

  it('tells each tab where a topic stands: when the host first answers, and when the tab joins a live topic', async () => {
    const { broker, clock, transport } = setup();
    const [first, later] = [tab(), tab()];
    subscribe(broker, first, 'quiet');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'quiet', seq: 7, recovered: true });
    await clock.advance(0);
    expect(first.stands).to.deep.equal([['quiet', 7]]);
    expect(first.batches, 'no message is delivered for it').to.deep.equal([]);
    const joining = subscribe(broker, later, 'quiet');
    await clock.advance(0);
    expect(joining.outcome, 'a live topic is confirmed at once').to.equal('confirmed');
    expect(later.stands).to.deep.equal([['quiet', 7]]);
    expect(first.stands, 'the first tab hears nothing new').to.have.length(1);
    broker.close();
  });

  it('after reconfigure, the live topics and pending sends move to a host of the new config', async () => {
    const { broker, clock, transport } = setup();
    subscribe(broker, tab(), 'kept');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'kept', seq: 4, recovered: true });
    broker.reconfigure(parseConfig({ hosts: ['http://new.test'], types: ['ws'] }));
    await clock.advance(0);
    expect(transport.requests.at(-1)!.url).to.equal('http://new.test');
    expect(transport.live!.sent).to.deep.equal([{ op: 'sub', topic: 'kept', from: 4 }]);
    broker.close();
  });

  it('after reconfigure, a pending send with no topic goes to a host of the new config with its id, and settles on its ack', async () => {
    const { broker, clock, transport } = setup();
    let outcome = 'waiting';
    broker.send('orders', { qty: 1 }, 'id-1').then(
      () => {
        outcome = 'acked';
      },
      (error: SwitchboardError) => {
        outcome = error.code;
      },
    );
    await clock.advance(0);
    expect(transport.live!.sent).to.deep.equal([{ op: 'pub', topic: 'orders', data: { qty: 1 }, id: 'id-1' }]);
    // No ack from the old host: the send is still pending when the config changes, and no topic is held.
    broker.reconfigure(parseConfig({ hosts: ['http://new.test'], types: ['ws'] }));
    await clock.advance(0);
    expect(transport.requests.at(-1)!.url).to.equal('http://new.test');
    expect(transport.live!.sent).to.deep.equal([{ op: 'pub', topic: 'orders', data: { qty: 1 }, id: 'id-1' }]);
    transport.live!.push({ op: 'ack', id: 'id-1' });
    await settle();
    expect(outcome).to.equal('acked');
    broker.close();
  });

  it('setLoadBalancing(true) draws a new host order, which state() shows and the next round tries; false restores the declared one', async () => {
    const hosts = ['http://a.test', 'http://b.test', 'http://c.test', 'http://d.test'];
    const { broker, clock, transport } = setup({ hosts }, () => 'accept', seededRandom(11));
    const order = () => broker.state().plan.map(({ host }) => host);
    expect(order()).to.deep.equal(hosts);
    // The same seed draws the same orders: the broker's plan is what drawPlan gives for it, draw after draw.
    const expected = seededRandom(11);
    const draw = () => drawPlan(parseConfig({ hosts }).plan, true, expected).map(({ host }) => host);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      broker.setLoadBalancing(true);
      const drawn = draw();
      expect(order(), `draw ${i + 1}`).to.deep.equal(drawn);
      seen.add(drawn.join());
    }
    expect(seen.size, 'more than one order drawn').to.be.above(1);
    expect(broker.state().loadBalance).to.equal(true);
    subscribe(broker, tab(), 't');
    await clock.advance(0);
    expect(transport.requests[0]!.url, 'the round starts at the head of the drawn order').to.equal(order()[0]);
    broker.setLoadBalancing(false);
    expect(order()).to.deep.equal(hosts);
    broker.close();
  });

  it('subscribe() resolves when the host confirms the topic, and rejects with code forbidden when it refuses for good', async () => {
    const { broker, clock, transport, events } = setup();
    const [one, two] = [tab(), tab()];
    const allowed = subscribe(broker, one, 'open');
    const closed = subscribe(broker, two, 'secret');
    await clock.advance(0);
    expect(allowed.outcome, 'nothing is confirmed before the host answers').to.equal('waiting');
    transport.live!.push({ op: 'subscribed', topic: 'open', seq: 0, recovered: true });
    transport.live!.push({ op: 'error', code: 'forbidden', topic: 'secret', message: 'not for you' });
    await clock.advance(0);
    expect(allowed.outcome).to.equal('confirmed');
    const refusal = closed.outcome as SwitchboardError;
    expect(refusal.code).to.equal('forbidden');
    expect(refusal.message).to.equal('subscribe: the host refused "secret" (forbidden): not for you');
    expect(broker.state().topics.map((t) => [t.topic, t.state])).to.deep.equal([['open', 'live']]);
    expect(events.some(([name]) => name === 'error')).to.equal(true);
    broker.close();
  });

  it('a sub refused as unavailable is asked again with the reconnect backoff on the same connection, until it is confirmed', async () => {
    const { broker, clock, transport } = setup({ reconnectDelay: 1000, maxReconnectDelay: 8000 });
    const subscriber = tab();
    const subscription = subscribe(broker, subscriber, 'prices');
    await clock.advance(0);
    const live = transport.live!;
    const subs = () => live.sent.filter((frame) => (frame as { op: string }).op === 'sub').length;
    live.push({ op: 'error', code: 'unavailable', topic: 'prices', message: 'Redis is down' });
    await clock.advance(999);
    expect(subs(), 'not before reconnectDelay').to.equal(1);
    await clock.advance(1);
    expect(subs()).to.equal(2);
    live.push({ op: 'error', code: 'unavailable', topic: 'prices', message: 'Redis is down' });
    await clock.advance(2000);
    expect(subs(), 'the second try waits at most the doubled ceiling').to.equal(3);
    expect(broker.state().topics[0]?.state).to.equal('subscribing');
    live.push({ op: 'subscribed', topic: 'prices', seq: 4, recovered: true });
    live.push({ op: 'msg', topic: 'prices', seq: 5, data: 'up' });
    await clock.advance(0);
    expect(subscription.outcome).to.equal('confirmed');
    expect(subscriber.seqs('prices')).to.deep.equal([5]);
    expect(transport.connections, 'the connection was never dropped').to.have.length(1);
    await clock.advance(60_000);
    expect(subs(), 'a confirmed topic is not asked again').to.equal(3);
    broker.close();
  });

  it('a sub with no answer within connectTimeout is sent again', async () => {
    const { broker, clock, transport } = setup({ connectTimeout: 500, reconnectDelay: 100 });
    subscribe(broker, tab(), 'silent');
    await clock.advance(0);
    expect(transport.live!.sent).to.have.length(1);
    await clock.advance(500 + 100);
    expect(transport.live!.sent).to.deep.equal([
      { op: 'sub', topic: 'silent' },
      { op: 'sub', topic: 'silent' },
    ]);
    broker.close();
  });

  it('a new epoch is a reset: tabs hear it once and get the new history from its seq, none dropped as seen', async () => {
    const { broker, clock, transport } = setup();
    const subscriber = tab();
    subscribe(broker, subscriber, 'orders');
    await clock.advance(0);
    const first = transport.live!;
    first.push({ op: 'subscribed', topic: 'orders', seq: 0, recovered: true, epoch: 'one' });
    for (const seq of [1, 2, 3, 4, 5]) first.push({ op: 'msg', topic: 'orders', seq, data: seq });
    first.drop('restarted');
    await clock.advance(0);
    const second = transport.live!;
    expect(second.sent[0]).to.deep.equal({ op: 'sub', topic: 'orders', from: 5 });
    // The host came back without its history: it has two new messages, and says so with a new epoch.
    second.push({ op: 'subscribed', topic: 'orders', seq: 2, recovered: true, epoch: 'two' });
    for (const seq of [3, 4]) second.push({ op: 'msg', topic: 'orders', seq, data: `new ${seq}` });
    await clock.advance(0);
    expect(subscriber.resets).to.deep.equal([{ topic: 'orders', last: 5, seq: 2, epoch: 'two' }]);
    expect(subscriber.seqs('orders')).to.deep.equal([1, 2, 3, 4, 5, 3, 4]);
    broker.close();
  });

  it('without epochs, a subscribed seq below the one held is a reset too', async () => {
    const { broker, clock, transport } = setup();
    const subscriber = tab();
    subscribe(broker, subscriber, 't');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 't', seq: 9, recovered: true });
    transport.live!.drop('gone');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 't', seq: 0, recovered: true });
    transport.live!.push({ op: 'msg', topic: 't', seq: 1, data: 'first of the new history' });
    await clock.advance(0);
    expect(subscriber.resets).to.deep.equal([{ topic: 't', last: 9, seq: 0 }]);
    expect(subscriber.seqs('t')).to.deep.equal([1]);
    broker.close();
  });

  it('a msg seq too far ahead to believe is not delivered: the host is asked where the topic stands', async () => {
    const { broker, clock, transport, events } = setup();
    const subscriber = tab();
    subscribe(broker, subscriber, 't');
    await clock.advance(0);
    const live = transport.live!;
    live.push({ op: 'subscribed', topic: 't', seq: 3, recovered: true });
    live.push({ op: 'msg', topic: 't', seq: Number.MAX_SAFE_INTEGER, data: 'bogus' });
    await clock.advance(0);
    expect(live.sent.at(-1), 'asked from the last seq believed').to.deep.equal({ op: 'sub', topic: 't', from: 3 });
    // The host answers as it does a sub with from: the replay, then subscribed.
    live.push({ op: 'msg', topic: 't', seq: 4, data: 'real' });
    live.push({ op: 'subscribed', topic: 't', seq: 4, recovered: true });
    await clock.advance(0);
    expect(subscriber.seqs('t')).to.deep.equal([4]);
    expect(events.find(([name]) => name === 'error')?.[1]).to.deep.include({ what: 'msg', topic: 't' });
    broker.close();
  });

  it('a tab that joins behind the topic is replayed what the worker keeps, and told of a gap for exactly what it does not', async () => {
    const { broker, clock, transport } = setup({ replayLimit: 50 });
    const ahead = tab();
    subscribe(broker, ahead, 'feed');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'feed', seq: 0, recovered: true });
    for (let seq = 1; seq <= 100; seq++) transport.live!.push({ op: 'msg', topic: 'feed', seq, data: seq });
    await clock.advance(0);
    const near = tab();
    const far = tab();
    subscribe(broker, near, 'feed', 60);
    subscribe(broker, far, 'feed', 20);
    await clock.advance(0);
    expect(near.seqs('feed')).to.deep.equal(Array.from({ length: 40 }, (_, i) => 61 + i));
    expect(near.gaps).to.deep.equal([]);
    expect(far.gaps).to.deep.equal([{ topic: 'feed', from: 21, to: 50 }]);
    expect(far.seqs('feed')).to.deep.equal(Array.from({ length: 50 }, (_, i) => 51 + i));
    broker.close();
  });

  it('a pub nacked as unavailable or unknown is sent again with the same id until it is acked; forbidden rejects', async () => {
    const { broker, clock, transport } = setup({ reconnectDelay: 100 });
    let published = false;
    const order = broker.send('orders', { qty: 1 }, 'id-1').then(() => {
      published = true;
    });
    const refused = broker.send('admin', {}, 'id-2').catch((error: SwitchboardError) => error);
    await clock.advance(0);
    const live = transport.live!;
    live.push({ op: 'nack', id: 'id-1', code: 'unknown', error: 'Redis did not answer in time' });
    live.push({ op: 'nack', id: 'id-2', code: 'forbidden', error: 'not allowed' });
    await clock.advance(100);
    live.push({ op: 'nack', id: 'id-1', code: 'unavailable', error: 'Redis is down' });
    await clock.advance(200);
    expect(live.sent.filter((frame) => (frame as { id?: string }).id === 'id-1')).to.have.length(3);
    expect(published).to.equal(false);
    live.push({ op: 'ack', id: 'id-1' });
    await order;
    expect(published).to.equal(true);
    expect(((await refused) as SwitchboardError).code).to.equal('forbidden');
    expect(broker.state().pendingSends).to.equal(0);
    broker.close();
  });

  it('a waiting resolve() keeps the loop alive past idleTimeout, and rejects after connectCount rounds', async () => {
    const { broker, clock } = setup({ idleTimeout: 100, connectCount: 3, reconnectDelay: 1000 }, () => 'hang');
    let outcome: string | SwitchboardError = 'waiting';
    broker.resolve('/clip.mp4').then(
      (url) => {
        outcome = url;
      },
      (error: SwitchboardError) => {
        outcome = error;
      },
    );
    await clock.advance(5000);
    expect(outcome, 'idleTimeout does not stop the loop under a waiting resolve').to.equal('waiting');
    expect(broker.state().status).to.not.equal('idle');
    await clock.advance(60_000);
    expect((outcome as SwitchboardError | string) instanceof SwitchboardError).to.equal(true);
    expect((outcome as unknown as SwitchboardError).code).to.equal('unavailable');
    broker.close();
  });

  it('a tab that resumes with the epoch of a history that began since is told of a reset, not replayed old seqs', async () => {
    const { broker, clock, transport } = setup();
    const staying = tab();
    subscribe(broker, staying, 'news');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'news', seq: 0, recovered: true, epoch: 'new' });
    for (const seq of [1, 2, 3]) transport.live!.push({ op: 'msg', topic: 'news', seq, data: seq });
    await clock.advance(0);
    let epoch: string | undefined;
    const returning = tab();
    void broker.subscribe(returning, 'news', 2, 'old').then((known) => {
      epoch = known;
    });
    await clock.advance(0);
    expect(returning.resets).to.deep.equal([{ topic: 'news', last: 2, seq: 3, epoch: 'new' }]);
    expect(returning.seqs('news'), 'seq 3 of the new history is not taken for the old one').to.deep.equal([]);
    expect(epoch, 'the tab learns the history it is now in').to.equal('new');
    const sameHistory = tab();
    subscribe(broker, sameHistory, 'news', 2);
    await clock.advance(0);
    expect(sameHistory.resets).to.deep.equal([]);
    expect(sameHistory.seqs('news')).to.deep.equal([3]);
    broker.close();
  });

  it("a replay that comes before a new history's subscribed answer is not delivered as the old history", async () => {
    const { broker, clock, transport } = setup();
    const subscriber = tab();
    subscribe(broker, subscriber, 'orders');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'orders', seq: 0, recovered: true, epoch: 'old' });
    for (const seq of [1, 2, 3]) transport.live!.push({ op: 'msg', topic: 'orders', seq, data: `old ${seq}` });
    transport.live!.drop('wiped');
    await clock.advance(0);
    const next = transport.live!;
    expect(next.sent[0]).to.deep.equal({ op: 'sub', topic: 'orders', from: 3 });
    // The new history has 6 messages: the host replays 4 to 6 from `from`, then says which history they are.
    for (const seq of [4, 5, 6]) next.push({ op: 'msg', topic: 'orders', seq, data: `new ${seq}` });
    next.push({ op: 'subscribed', topic: 'orders', seq: 6, recovered: true, epoch: 'new' });
    next.push({ op: 'msg', topic: 'orders', seq: 7, data: 'new 7' });
    await clock.advance(0);
    expect(subscriber.seqs('orders')).to.deep.equal([1, 2, 3, 7]);
    expect(subscriber.resets).to.deep.equal([{ topic: 'orders', last: 3, seq: 6, epoch: 'new' }]);
    broker.close();
  });

  it('a replay in the same history is delivered once its subscribed answer confirms it', async () => {
    const { broker, clock, transport } = setup();
    const subscriber = tab();
    subscribe(broker, subscriber, 'orders');
    await clock.advance(0);
    transport.live!.push({ op: 'subscribed', topic: 'orders', seq: 0, recovered: true, epoch: 'one' });
    transport.live!.push({ op: 'msg', topic: 'orders', seq: 1, data: 1 });
    transport.live!.drop('gone');
    await clock.advance(0);
    for (const seq of [2, 3]) transport.live!.push({ op: 'msg', topic: 'orders', seq, data: seq });
    await clock.advance(0);
    expect(subscriber.seqs('orders'), 'held until the host says which history').to.deep.equal([1]);
    transport.live!.push({ op: 'subscribed', topic: 'orders', seq: 3, recovered: true, epoch: 'one' });
    await clock.advance(0);
    expect(subscriber.seqs('orders')).to.deep.equal([1, 2, 3]);
    expect(subscriber.resets).to.deep.equal([]);
    broker.close();
  });
});

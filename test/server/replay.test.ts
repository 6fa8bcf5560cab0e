// Server: seq, history replay with `from`, trimming, and one seq per topic across a cluster.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHosts, wsClient } from './support.ts';

test('sub answers the newest seq, then delivers each message once with the next seq', async () => {
  const [host] = await startHosts(1);
  await host!.publish('ticks/EURUSD', 1);
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 'ticks/EURUSD' });
  assert.deepEqual(await client.next('subscribed'), {
    op: 'subscribed',
    topic: 'ticks/EURUSD',
    seq: 1,
    recovered: true,
    epoch: host!.backplane.epoch(),
  });
  await host!.publish('ticks/EURUSD', 2);
  assert.deepEqual(await client.next('msg'), { op: 'msg', topic: 'ticks/EURUSD', seq: 2, data: 2 });
});

test('sub with from replays every later message, in seq order, before subscribed', async () => {
  const [host] = await startHosts(1);
  for (let i = 1; i <= 5; i++) await host!.publish('news', `n${i}`);
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 'news', from: 2 });
  assert.deepEqual(await client.upTo('subscribed'), [
    { op: 'msg', topic: 'news', seq: 3, data: 'n3' },
    { op: 'msg', topic: 'news', seq: 4, data: 'n4' },
    { op: 'msg', topic: 'news', seq: 5, data: 'n5' },
    { op: 'subscribed', topic: 'news', seq: 5, recovered: true, epoch: host!.backplane.epoch() },
  ]);
  await host!.publish('news', 'n6');
  assert.deepEqual(await client.next('msg'), { op: 'msg', topic: 'news', seq: 6, data: 'n6' });
});

test('when history was trimmed, the replay starts at the oldest kept message and says recovered:false', async () => {
  const [host] = await startHosts(1, { historyLimit: 3 });
  for (let i = 1; i <= 10; i++) await host!.publish('t', i);
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 't', from: 2 });
  const frames = await client.upTo('subscribed');
  assert.deepEqual(
    frames.map((f) => (f.op === 'msg' ? f.seq : f)),
    [8, 9, 10, { op: 'subscribed', topic: 't', seq: 10, recovered: false, epoch: host!.backplane.epoch() }],
  );
  client.send({ op: 'sub', topic: 't', from: 7 });
  assert.equal((await client.next('subscribed')).recovered, true);
});

test('hosts sharing a backplane count one seq per topic, and replay what another host published', async () => {
  const [a, b] = await startHosts(2);
  const onA = await wsClient(a!);
  const onB = await wsClient(b!);
  onB.send({ op: 'sub', topic: 'shared' });
  await onB.next('subscribed');
  onA.send({ op: 'pub', topic: 'shared', data: 'from a', id: 'p1' });
  await onA.next('ack');
  await b!.publish('shared', 'from b');
  assert.deepEqual(
    [await onB.next('msg'), await onB.next('msg')].map((m) => [m.seq, m.data]),
    [
      [1, 'from a'],
      [2, 'from b'],
    ],
  );
  onA.send({ op: 'sub', topic: 'shared', from: 1 });
  assert.equal((await onA.next('msg')).data, 'from b');
});

test('unsub stops delivery and is answered', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 't' });
  await client.next('subscribed');
  client.send({ op: 'unsub', topic: 't' });
  assert.deepEqual(await client.next('unsubscribed'), { op: 'unsubscribed', topic: 't' });
  await host!.publish('t', 'late');
  client.send({ op: 'ping', t: 7 });
  await client.next('pong');
  assert.deepEqual(client.frames, []);
});

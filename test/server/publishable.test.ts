// Server: a pub whose data cannot be delivered is nacked `invalid` before it gets a seq; a stored one is skipped, never the sub.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHosts, wsClient } from './support.ts';

/** `levels` arrays, one inside the next, around 0. */
function nested(levels: number): unknown {
  let data: unknown = 0;
  for (let i = 0; i < levels; i++) data = [data];
  return data;
}

test('a pub nested 10,000 levels deep is nacked invalid naming maxDepth, spends no seq, and replays stay whole', async () => {
  const [host] = await startHosts(1);
  const watcher = await wsClient(host!);
  watcher.send({ op: 'sub', topic: 'deep' });
  await watcher.next('subscribed');
  const client = await wsClient(host!);
  client.send({ op: 'pub', topic: 'deep', data: 'before', id: 'd1' });
  await client.next('ack');
  // Written by hand: JSON.stringify itself would overflow the stack on it.
  client.sendText(`{"op":"pub","topic":"deep","id":"d2","data":${'['.repeat(10_000)}0${']'.repeat(10_000)}}`);
  assert.deepEqual(await client.next('nack'), {
    op: 'nack',
    id: 'd2',
    code: 'invalid',
    error: 'data nests 10000 levels deep; at most 64 are allowed (maxDepth)',
  });
  client.send({ op: 'pub', topic: 'deep', data: 'after', id: 'd3' });
  await client.next('ack');
  assert.deepEqual(
    [await watcher.next('msg'), await watcher.next('msg')].map((m) => [m.seq, m.data]),
    [
      [1, 'before'],
      [2, 'after'],
    ],
  );
  const replayed = await wsClient(host!);
  replayed.send({ op: 'sub', topic: 'deep', from: 0 });
  assert.deepEqual(
    (await replayed.upTo('subscribed')).map((f) => (f.op === 'msg' ? f.seq : f)),
    [1, 2, { op: 'subscribed', topic: 'deep', seq: 2, recovered: true, epoch: host!.backplane.epoch() }],
  );
});

test('maxDepth: 64 levels pass by default and 65 do not; the option moves the limit', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!);
  client.send({ op: 'pub', topic: 't', data: nested(64), id: 'fits' });
  assert.deepEqual(await client.next('ack'), { op: 'ack', id: 'fits' });
  client.send({ op: 'pub', topic: 't', data: { a: nested(64) }, id: 'over' });
  assert.equal((await client.next('nack')).error, 'data nests 65 levels deep; at most 64 are allowed (maxDepth)');

  const [shallow] = await startHosts(1, { maxDepth: 2 });
  const other = await wsClient(shallow!);
  other.send({ op: 'pub', topic: 't', data: { a: [1] }, id: 'two' });
  await other.next('ack');
  other.send({ op: 'pub', topic: 't', data: [[[1]]], id: 'three' });
  assert.deepEqual(await other.next('nack'), {
    op: 'nack',
    id: 'three',
    code: 'invalid',
    error: 'data nests 3 levels deep; at most 2 are allowed (maxDepth)',
  });
});

test('a publish through the host is held to the same rules: too deep, or not JSON, is refused', async () => {
  const [host] = await startHosts(1);
  await assert.rejects(host!.publish('t', nested(100)), /^Error: publish: data nests 100 levels deep; at most 64/);
  const loop: unknown[] = [];
  loop.push(loop);
  await assert.rejects(host!.publish('t', loop), /^Error: publish: data cannot be encoded as JSON: .*circular/);
  assert.equal(await host!.backplane.seq('t'), 0);
});

test('a stored message that cannot be encoded is skipped: live delivery and replays go on, the replay says recovered:false', async () => {
  const [host] = await startHosts(1);
  const live = await wsClient(host!);
  live.send({ op: 'sub', topic: 't' });
  await live.next('subscribed');
  await host!.publish('t', 'one');
  // Straight onto the backplane, as a host that did not check data would have stored it.
  await host!.backplane.publish('t', nested(100_000));
  await host!.publish('t', 'three');
  assert.deepEqual(
    [await live.next('msg'), await live.next('msg')].map((m) => [m.seq, m.data]),
    [
      [1, 'one'],
      [3, 'three'],
    ],
  );
  const replayed = await wsClient(host!);
  replayed.send({ op: 'sub', topic: 't', from: 0 });
  assert.deepEqual(
    (await replayed.upTo('subscribed')).map((f) => (f.op === 'msg' ? f.seq : f)),
    [1, 3, { op: 'subscribed', topic: 't', seq: 3, recovered: false, epoch: host!.backplane.epoch() }],
  );
  await host!.publish('t', 'four');
  assert.equal((await replayed.next('msg')).data, 'four');
});

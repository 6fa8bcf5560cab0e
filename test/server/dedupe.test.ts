// Server: pub is acked, published once per id across the cluster, and nacked when it cannot be used.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackplaneError } from '../../server/backplane.ts';
import { MemoryBackplane } from '../../server/index.ts';
import { startHosts, wsClient } from './support.ts';

test('a pub is acked and delivered to subscribers', async () => {
  const [host] = await startHosts(1);
  const publisher = await wsClient(host!);
  const subscriber = await wsClient(host!);
  subscriber.send({ op: 'sub', topic: 'orders' });
  await subscriber.next('subscribed');
  publisher.send({ op: 'pub', topic: 'orders', data: { qty: 3 }, id: 'order-1' });
  assert.deepEqual(await publisher.next('ack'), { op: 'ack', id: 'order-1' });
  assert.deepEqual(await subscriber.next('msg'), { op: 'msg', topic: 'orders', seq: 1, data: { qty: 3 } });
});

test('a second pub with the same id, even on another host, is acked again and not published twice', async () => {
  const [a, b] = await startHosts(2);
  const subscriber = await wsClient(a!);
  subscriber.send({ op: 'sub', topic: 'orders' });
  await subscriber.next('subscribed');
  const first = await wsClient(a!);
  first.send({ op: 'pub', topic: 'orders', data: 'once', id: 'same' });
  await first.next('ack');
  const retry = await wsClient(b!);
  retry.send({ op: 'pub', topic: 'orders', data: 'once', id: 'same' });
  assert.deepEqual(await retry.next('ack'), { op: 'ack', id: 'same' });
  retry.send({ op: 'pub', topic: 'orders', data: 'next', id: 'other' });
  await retry.next('ack');
  const messages = [await subscriber.next('msg'), await subscriber.next('msg')];
  assert.deepEqual(
    messages.map((m) => [m.seq, m.data]),
    [
      [1, 'once'],
      [2, 'next'],
    ],
  );
});

test('ids are forgotten after the dedupe window', async () => {
  const backplane = new MemoryBackplane({ dedupeWindow: 50 });
  assert.ok((await backplane.publish('t', 1, 'x')).message);
  assert.equal((await backplane.publish('t', 1, 'x')).duplicate, true);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal((await backplane.publish('t', 1, 'x')).message?.seq, 2);
});

test('a pub with a usable id but a bad topic or no data is nacked invalid, with the reason', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!);
  client.send({ op: 'pub', topic: '', data: 1, id: 'bad-topic' });
  const nack = await client.next('nack');
  assert.deepEqual([nack.id, nack.code], ['bad-topic', 'invalid']);
  assert.match(nack.error, /topic must be a non-empty string/);
  client.send({ op: 'pub', topic: 'x'.repeat(257), data: 1, id: 'long-topic' });
  assert.match((await client.next('nack')).error, /at most 256/);
  client.send({ op: 'pub', topic: 't', id: 'no-data' });
  assert.deepEqual(await client.next('nack'), { op: 'nack', id: 'no-data', code: 'invalid', error: 'data is missing' });
});

test('a pub the backplane fails is nacked with its error: its code when it says one, else unknown', async () => {
  const backplane = new MemoryBackplane();
  const errors = [new BackplaneError('unavailable', 'the backplane is away'), new Error('the backplane broke')];
  backplane.publish = async () => {
    throw errors.shift();
  };
  const [host] = await startHosts(1, { backplane });
  const client = await wsClient(host!);
  client.send({ op: 'pub', topic: 't', data: 1, id: 'p' });
  assert.deepEqual(await client.next('nack'), {
    op: 'nack',
    id: 'p',
    code: 'unavailable',
    error: 'the backplane is away',
  });
  client.send({ op: 'pub', topic: 't', data: 1, id: 'p' });
  assert.deepEqual(await client.next('nack'), { op: 'nack', id: 'p', code: 'unknown', error: 'the backplane broke' });
});

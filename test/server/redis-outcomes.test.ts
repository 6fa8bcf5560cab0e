// Server: what Redis being away or stalled means for a client: `unavailable` (not done, retry) and `unknown` (retry, published once).

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import type { ServerFrame } from '../../shared/protocol.ts';
import { until } from '../support/until.ts';
import { startRedisCluster } from './redis-support.ts';
import { wsClient } from './support.ts';

const WAIT = 15_000;
/** The hosts' Redis command timeout: a stalled pub is nacked `unknown` after it. */
const TIMEOUT = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { redis, hosts } = await startRedisCluster(2, { redisTimeout: TIMEOUT, forbid: ['secret/'] });

test('while Redis is down, a sub answers error unavailable naming its topic, and a pub is nacked unavailable', async () => {
  const client = await wsClient(hosts[0]!);
  const epoch = client.welcome?.epoch;
  const connected = () => hosts[0]!.output().split(`Redis at ${redis.url} is connected`).length - 1;
  const before = connected();
  await redis.kill();
  await hosts[0]!.printed(`Redis at ${redis.url} is unavailable`);
  client.send({ op: 'sub', topic: 'down', from: 4 });
  const error = await until(
    'an error naming the topic',
    () => client.frames.find((f): f is Extract<ServerFrame, { op: 'error' }> => f.op === 'error' && f.topic === 'down'),
    WAIT,
  );
  assert.equal(error.code, 'unavailable');
  assert.match(error.message, /^sub down: Redis at redis:\/\/127\.0\.0\.1:\d+ is unavailable \(.+\): try again/);
  client.send({ op: 'pub', topic: 'down', data: 1, id: 'while-down' });
  const nack = await client.next('nack', WAIT);
  assert.deepEqual([nack.id, nack.code], ['while-down', 'unavailable']);
  assert.match(nack.error, /is unavailable/);

  await redis.start();
  await until('the host back on Redis', () => connected() > before, WAIT);
  client.send({ op: 'sub', topic: 'down', from: 4 });
  const subscribed = await client.next('subscribed', WAIT);
  // This host had heard no topic, yet the epoch it knew is set again in the empty Redis.
  assert.equal(subscribed.epoch, epoch);
  client.send({ op: 'pub', topic: 'down', data: 1, id: 'while-down' });
  assert.deepEqual(await client.next('ack', WAIT), { op: 'ack', id: 'while-down' });
});

test('Redis stalled past the command timeout: the pub is nacked unknown; sent again after, it is published once', async () => {
  const admin = new Redis(redis.url, { lazyConnect: true });
  after(() => admin.disconnect());
  await admin.connect();
  const watcher = await wsClient(hosts[1]!);
  watcher.send({ op: 'sub', topic: 'stalled' });
  await watcher.next('subscribed', WAIT);
  const client = await wsClient(hosts[0]!);
  client.send({ op: 'pub', topic: 'stalled', data: 'one', id: 's1' });
  await client.next('ack', WAIT);

  const pause = 3 * TIMEOUT;
  const paused = Date.now();
  await admin.call('CLIENT', 'PAUSE', String(pause), 'WRITE');
  client.send({ op: 'pub', topic: 'stalled', data: 'two', id: 's2' });
  const nack = await client.next('nack', WAIT);
  assert.deepEqual([nack.id, nack.code], ['s2', 'unknown']);
  assert.match(
    nack.error,
    /^Redis at redis:\/\/127\.0\.0\.1:\d+ failed \(Command timed out\): the outcome is unknown$/,
  );
  assert.ok(Date.now() - paused < pause, 'nacked while Redis was still paused');

  await sleep(pause - (Date.now() - paused) + 200);
  client.send({ op: 'pub', topic: 'stalled', data: 'two', id: 's2' });
  assert.deepEqual(await client.next('ack', WAIT), { op: 'ack', id: 's2' });
  client.send({ op: 'pub', topic: 'stalled', data: 'three', id: 's3' });
  await client.next('ack', WAIT);
  const expected = [
    [1, 'one'],
    [2, 'two'],
    [3, 'three'],
  ];
  assert.deepEqual(
    [await watcher.next('msg', WAIT), await watcher.next('msg', WAIT), await watcher.next('msg', WAIT)].map((m) => [
      m.seq,
      m.data,
    ]),
    expected,
  );
  // The stream holds each once: the stalled pub ran when Redis woke, and the retry was a duplicate.
  const replayed = await wsClient(hosts[1]!);
  replayed.send({ op: 'sub', topic: 'stalled', from: 0 });
  const frames = await replayed.upTo('subscribed', WAIT);
  assert.deepEqual(
    frames.flatMap((f) => (f.op === 'msg' ? [[f.seq, f.data]] : [])),
    expected,
  );
  assert.equal(await admin.get('switchboard:seq:stalled'), '3');
});

test('--forbid: a host process answers a sub of a forbidden topic with error forbidden, and nacks a pub forbidden', async () => {
  const client = await wsClient(hosts[1]!);
  client.send({ op: 'sub', topic: 'secret/x' });
  assert.deepEqual(await client.next('error', WAIT), {
    op: 'error',
    code: 'forbidden',
    topic: 'secret/x',
    message: 'sub secret/x: this host forbids topics that start with "secret/"',
  });
  client.send({ op: 'pub', topic: 'secret/x', data: 1, id: 'f1' });
  assert.equal((await client.next('nack', WAIT)).code, 'forbidden');
});

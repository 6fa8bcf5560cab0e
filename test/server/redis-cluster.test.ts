// Server: host processes on one Redis share one seq per topic, the history, publish ids and fan-out.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { ServerFrame } from '../../shared/protocol.ts';
import type { HostProcess } from './redis-hosts.ts';
import { startRedisCluster } from './redis-support.ts';
import { type WsClient, wsClient } from './support.ts';

const WAIT = 15_000;

const { hosts } = await startRedisCluster(3);

async function subscriber(host: HostProcess, topic: string, from?: number): Promise<WsClient> {
  const client = await wsClient(host);
  client.send({ op: 'sub', topic, from });
  return client;
}

/** The `msg` frames of a client until it has `count` of them. */
async function messages(client: WsClient, count: number): Promise<Extract<ServerFrame, { op: 'msg' }>[]> {
  const got: Extract<ServerFrame, { op: 'msg' }>[] = [];
  while (got.length < count) got.push(await client.next('msg', WAIT));
  return got;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('host processes on one Redis share one history epoch, in welcome and subscribed', async () => {
  const clients = await Promise.all(hosts.map((host) => wsClient(host)));
  const epoch = clients[0]!.welcome?.epoch;
  assert.match(epoch ?? '', /^[0-9a-f-]{36}$/);
  assert.deepEqual(
    clients.map((client) => client.welcome?.epoch),
    hosts.map(() => epoch),
  );
  clients[2]!.send({ op: 'sub', topic: 'epoch', from: 0 });
  assert.equal((await clients[2]!.next('subscribed', WAIT)).epoch, epoch);
});

test('a client subscribed through one host process gets what a client of another publishes, with the next seqs', async () => {
  const on1 = await subscriber(hosts[1]!, 'across');
  assert.deepEqual(await on1.next('subscribed', WAIT), {
    op: 'subscribed',
    topic: 'across',
    seq: 0,
    recovered: true,
    epoch: on1.welcome?.epoch,
  });
  const on0 = await wsClient(hosts[0]!);
  for (let i = 1; i <= 3; i++) {
    on0.send({ op: 'pub', topic: 'across', data: { i }, id: `across-${i}` });
    assert.deepEqual(await on0.next('ack', WAIT), { op: 'ack', id: `across-${i}` });
  }
  assert.deepEqual(
    await messages(on1, 3),
    range(1, 3).map((seq) => ({ op: 'msg', topic: 'across', seq, data: { i: seq } })),
  );
});

test('sub with from on a third host replays what the others published, from the shared history', async () => {
  for (let i = 1; i <= 5; i++) await hosts[i % 2]!.act('publish', { topic: 'replayed', data: `n${i}` });
  const on2 = await subscriber(hosts[2]!, 'replayed', 2);
  assert.deepEqual(await on2.upTo('subscribed', WAIT), [
    { op: 'msg', topic: 'replayed', seq: 3, data: 'n3' },
    { op: 'msg', topic: 'replayed', seq: 4, data: 'n4' },
    { op: 'msg', topic: 'replayed', seq: 5, data: 'n5' },
    { op: 'subscribed', topic: 'replayed', seq: 5, recovered: true, epoch: on2.welcome?.epoch },
  ]);
});

test('a pub retried on another host with the same id is acked and published once', async () => {
  const watcher = await subscriber(hosts[2]!, 'orders');
  await watcher.next('subscribed', WAIT);
  const first = await wsClient(hosts[0]!);
  first.send({ op: 'pub', topic: 'orders', data: 'buy', id: 'order-1' });
  await first.next('ack', WAIT);
  const retry = await wsClient(hosts[1]!);
  retry.send({ op: 'pub', topic: 'orders', data: 'buy again', id: 'order-1' });
  assert.deepEqual(await retry.next('ack', WAIT), { op: 'ack', id: 'order-1' });
  retry.send({ op: 'pub', topic: 'orders', data: 'sell', id: 'order-2' });
  await retry.next('ack', WAIT);
  assert.deepEqual(
    (await messages(watcher, 2)).map((m) => [m.seq, m.data]),
    [
      [1, 'buy'],
      [2, 'sell'],
    ],
  );
});

test('three host processes, a publisher on each at once: every host delivers every seq once, in order', async () => {
  const perHost = 200;
  const watchers = await Promise.all(hosts.map((host) => subscriber(host, 'race')));
  await Promise.all(watchers.map((watcher) => watcher.next('subscribed', WAIT)));
  const publishers = await Promise.all(hosts.map((host) => wsClient(host)));
  // Every pub goes out at once, without waiting for acks, so the hosts' scripts interleave on Redis.
  publishers.forEach((publisher, p) => {
    for (let i = 0; i < perHost; i++)
      publisher.send({ op: 'pub', topic: 'race', data: { p, i }, id: `race-${p}-${i}` });
  });
  await Promise.all(
    publishers.map(async (publisher) => {
      for (let i = 0; i < perHost; i++) assert.equal((await publisher.next('ack', WAIT)).op, 'ack');
    }),
  );
  const total = perHost * hosts.length;
  for (const watcher of watchers) {
    const got = await messages(watcher, total);
    assert.deepEqual(
      got.map((m) => m.seq),
      range(1, total),
    );
    // Each publisher's messages keep the order it sent them in.
    for (let p = 0; p < hosts.length; p++) {
      const mine = got
        .map((m) => m.data as { p: number; i: number })
        .filter((data) => data.p === p)
        .map((data) => data.i);
      assert.deepEqual(mine, range(0, perHost - 1));
    }
  }
});

test('bad --redis URL: the CLI says what is wrong and exits', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--redis', 'localhost:6379'],
    {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
    },
  );
  assert.equal(run.status, 1);
  assert.match(run.stderr, /--redis: expected a Redis URL such as redis:\/\/127\.0\.0\.1:6379, got "localhost:6379"/);
});

// Server: Redis killed and started again mid-stream: hosts say so, nack pubs meanwhile, recover by themselves, seqs and the epoch go on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerFrame } from '../../shared/protocol.ts';
import { until } from '../support/until.ts';
import { startRedisCluster } from './redis-support.ts';
import { type WsClient, wsClient } from './support.ts';

const WAIT = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes one message and resolves its answer, ack or nack. */
async function publish(client: WsClient, data: number): Promise<ServerFrame> {
  const id = `stream-${data}`;
  client.send({ op: 'pub', topic: 'stream', data, id });
  return until(
    `an answer to pub ${id}`,
    () => client.frames.find((f) => (f.op === 'ack' || f.op === 'nack') && f.id === id),
    WAIT,
  );
}

test('Redis killed and restarted mid-stream: error frames, nacks, recovery, every seq once with none reused, one epoch', async () => {
  const { redis, hosts } = await startRedisCluster(2);
  const publisher = await wsClient(hosts[0]!);
  const watcher = await wsClient(hosts[1]!);
  const epoch = publisher.welcome?.epoch;
  assert.equal(watcher.welcome?.epoch, epoch);
  watcher.send({ op: 'sub', topic: 'stream' });
  await watcher.next('subscribed', WAIT);

  // One pub after another, all along, through host 0; the watcher on host 1 keeps every frame.
  const answers: ServerFrame[] = [];
  let publishing = true;
  const publishes = (async () => {
    for (let data = 1; publishing; data++) {
      const answer = await publish(publisher, data);
      answers.push(answer);
      if (answer.op === 'nack') await sleep(20);
    }
  })();
  const acked = () => answers.filter((answer) => answer.op === 'ack').length;
  const frames = (client: WsClient, op: ServerFrame['op']) => client.frames.filter((f) => f.op === op);

  await until('30 acks', () => acked() >= 30, WAIT);
  await redis.kill();
  await until(
    'an error frame on both clients',
    () => frames(publisher, 'error').length > 0 && frames(watcher, 'error').length > 0,
    WAIT,
  );
  for (const error of [...frames(publisher, 'error'), ...frames(watcher, 'error')]) {
    assert.deepEqual(Object.keys(error), ['op', 'code', 'message']);
    assert.match(
      JSON.stringify(error),
      /"code":"backplane","message":"the backplane is unavailable \(.+\): pubs are refused until it is back"/,
    );
  }
  await until('a nack', () => answers.some((answer) => answer.op === 'nack'), WAIT);
  assert.match(
    JSON.stringify(answers.find((answer) => answer.op === 'nack')),
    /"code":"(unavailable|unknown)","error":"Redis at redis:\/\/127\.0\.0\.1:\d+ (is unavailable|refused|failed)/,
  );
  await Promise.all(hosts.map((host) => host.printed(`Redis at ${redis.url} is unavailable`)));

  await sleep(300);
  await redis.start();
  const before = acked();
  await until('30 more acks once Redis is back', () => acked() >= before + 30, WAIT);
  publishing = false;
  await publishes;
  for (const host of hosts) assert.ok(host.alive(), `${host.name} is still running`);
  // Redis came back empty: the first host back raised the topic's seq to the last one it had heard.
  await Promise.any(hosts.map((host) => host.printed('raised them so seqs go on')));

  // Every acked message reaches the watcher once, in order, and seqs run on across the restart with none reused.
  const ackedData = answers
    .filter((answer) => answer.op === 'ack')
    .map((answer) => Number((answer as { id: string }).id.slice(7)));
  const delivered = () => frames(watcher, 'msg') as Extract<ServerFrame, { op: 'msg' }>[];
  await until(
    'every acked message on the watcher',
    () => ackedData.every((data) => delivered().some((m) => m.data === data)),
    WAIT,
  );
  assert.deepEqual(
    delivered().map((m) => m.seq),
    delivered().map((_, i) => i + 1),
  );
  const data = delivered().map((m) => m.data as number);
  assert.deepEqual(
    data,
    [...data].sort((a, b) => a - b),
    'in the order they were published',
  );
  assert.equal(new Set(data).size, data.length, 'no message twice');

  // Seqs went on, so the history did not begin again: the epoch the hosts knew was set again in the empty Redis.
  for (const host of hosts) {
    const client = await wsClient(host);
    assert.equal(client.welcome?.epoch, epoch, `${host.name} keeps the epoch`);
    client.send({ op: 'sub', topic: 'stream', from: 1 });
    const subscribed = await client.next('subscribed', WAIT);
    assert.deepEqual([subscribed.epoch, subscribed.recovered], [epoch, false]);
  }
});

// Server: host processes on Redis keep --history messages per topic; a replay from before them says recovered:false.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedisCluster } from './redis-support.ts';
import { wsClient } from './support.ts';

test('history is trimmed to --history on every host; sub from before it replays what is left, recovered:false', async () => {
  const { hosts } = await startRedisCluster(2, { historyLimit: 5 });
  for (let i = 1; i <= 20; i++) await hosts[0]!.act('publish', { topic: 'trimmed', data: i });
  const client = await wsClient(hosts[1]!);
  client.send({ op: 'sub', topic: 'trimmed', from: 2 });
  const frames = await client.upTo('subscribed', 15_000);
  assert.deepEqual(
    frames.map((f) => (f.op === 'msg' ? f.seq : f)),
    [
      16,
      17,
      18,
      19,
      20,
      { op: 'subscribed', topic: 'trimmed', seq: 20, recovered: false, epoch: client.welcome?.epoch },
    ],
  );
  client.send({ op: 'sub', topic: 'trimmed', from: 15 });
  assert.equal((await client.next('subscribed', 15_000)).recovered, true);
});

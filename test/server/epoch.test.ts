// Server: welcome and subscribed carry the history epoch, shared by hosts on one backplane and new with a new backplane.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer } from '../../server/index.ts';
import { startHosts, wsClient } from './support.ts';

test('welcome and subscribed carry the epoch; hosts sharing a backplane share it', async () => {
  const [a, b] = await startHosts(2);
  const onA = await wsClient(a!);
  const onB = await wsClient(b!);
  const epoch = onA.welcome?.epoch;
  assert.match(epoch ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(onB.welcome?.epoch, epoch);
  onB.send({ op: 'sub', topic: 't' });
  assert.equal((await onB.next('subscribed')).epoch, epoch);
  onB.send({ op: 'sub', topic: 't', from: 0 });
  assert.equal((await onB.next('subscribed')).epoch, epoch);
});

test('hosts on separate in-memory backplanes have different epochs', async () => {
  const [a] = await startHosts(1);
  const [b] = await startHosts(1);
  assert.notEqual((await wsClient(a!)).welcome?.epoch, (await wsClient(b!)).welcome?.epoch);
});

test('a host restarted in place keeps its epoch; a new process on the same port (a new backplane) has a new one', async () => {
  const [host] = await startHosts(1);
  await host!.publish('t', 'kept');
  const before = (await wsClient(host!)).welcome?.epoch;
  await host!.restart();
  assert.equal((await wsClient(host!)).welcome?.epoch, before);

  const port = host!.port;
  await host!.close();
  const again = await startServer({ port });
  after(() => again.close());
  const client = await wsClient(again);
  assert.notEqual(client.welcome?.epoch, before);
  // Its history began again: a client that saw seq 1 learns so from the epoch, not from the seq alone.
  client.send({ op: 'sub', topic: 't', from: 1 });
  const subscribed = await client.next('subscribed');
  assert.equal(subscribed.seq, 0);
  assert.equal(subscribed.epoch, client.welcome?.epoch);
});

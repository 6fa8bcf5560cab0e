// Server: forbidden topic prefixes and the switch that refuses every sub, on a host, its control surface and the test plugin.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startControl } from '../../server/index.ts';
import { clusterPlugin } from '../plugins/cluster-plugin.ts';
import { type ClusterInfo, CONTROL, START, STOP } from '../plugins/commands.ts';
import { startHosts, wsClient } from './support.ts';

test('forbid: a sub of a forbidden topic gets error forbidden naming it, a pub is nacked forbidden, others pass', async () => {
  const [host] = await startHosts(1, { forbid: ['secret/', 'admin'] });
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 'secret/plans', from: 0 });
  assert.deepEqual(await client.next('error'), {
    op: 'error',
    code: 'forbidden',
    topic: 'secret/plans',
    message: 'sub secret/plans: this host forbids topics that start with "secret/"',
  });
  client.send({ op: 'pub', topic: 'admin/users', data: 1, id: 'p1' });
  assert.deepEqual(await client.next('nack'), {
    op: 'nack',
    id: 'p1',
    code: 'forbidden',
    error: 'this host forbids topics that start with "admin"',
  });
  assert.equal(await host!.backplane.seq('admin/users'), 0);
  client.send({ op: 'sub', topic: 'public' });
  await client.next('subscribed');
  client.send({ op: 'pub', topic: 'public', data: 1, id: 'p2' });
  await client.next('ack');
  assert.deepEqual(host!.counts().subscribers, { public: 1 });
});

test('refuseSubscriptions: every sub gets its error naming the topic while on, pubs still pass, subs are taken after', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 'held' });
  await client.next('subscribed');
  host!.refuseSubscriptions('unavailable');
  client.send({ op: 'sub', topic: 't', from: 3 });
  assert.deepEqual(await client.next('error'), {
    op: 'error',
    code: 'unavailable',
    topic: 't',
    message: 'sub t: this host refuses subscriptions for now',
  });
  // A refused sub of a topic already held ends it, so client and host agree that it is not subscribed.
  client.send({ op: 'sub', topic: 'held' });
  assert.equal((await client.next('error')).topic, 'held');
  assert.deepEqual(host!.counts().subscribers, {});
  client.send({ op: 'pub', topic: 't', data: 1, id: 'p' });
  await client.next('ack');
  host!.refuseSubscriptions(null);
  client.send({ op: 'sub', topic: 't' });
  assert.deepEqual(await client.next('subscribed'), {
    op: 'subscribed',
    topic: 't',
    seq: 1,
    recovered: true,
    epoch: host!.backplane.epoch(),
  });
});

test('the control surface switches refuse-subscriptions, and refuses a code it does not know', async () => {
  const hosts = await startHosts(1);
  const surface = await startControl(hosts);
  after(() => surface.close());
  const post = (body: unknown) =>
    fetch(`${surface.url}/hosts/0/refuse-subscriptions`, { method: 'POST', body: JSON.stringify(body) });
  const client = await wsClient(hosts[0]!);
  assert.equal((await post({ code: 'forbidden' })).status, 200);
  client.send({ op: 'sub', topic: 't' });
  assert.deepEqual([(await client.next('error')).code], ['forbidden']);
  assert.equal((await post({ code: null })).status, 200);
  client.send({ op: 'sub', topic: 't' });
  await client.next('subscribed');
  const bad = await post({ code: 'nope' });
  assert.equal(bad.status, 400);
  assert.equal(await bad.text(), 'refuse-subscriptions: code must be "unavailable", "forbidden", "invalid" or null');
});

test('the cluster plugin takes forbid and the refuse-subscriptions command, as browser tests send them', async () => {
  const plugin = clusterPlugin();
  after(() => plugin.serverStop());
  const info = (await plugin.executeCommand({ command: START, payload: { hosts: 1, forbid: ['x/'] } })) as ClusterInfo;
  const client = await wsClient({ url: info.hosts[0]! });
  client.send({ op: 'sub', topic: 'x/1' });
  assert.equal((await client.next('error')).code, 'forbidden');
  const refuse = (code: string | null) =>
    plugin.executeCommand({
      command: CONTROL,
      payload: { id: info.id, host: 0, action: 'refuse-subscriptions', code },
    });
  assert.equal(await refuse('unavailable'), true);
  client.send({ op: 'sub', topic: 'y' });
  assert.deepEqual([(await client.next('error')).code, client.frames], ['unavailable', []]);
  await refuse(null);
  client.send({ op: 'sub', topic: 'y' });
  await client.next('subscribed');
  await plugin.executeCommand({ command: STOP, payload: { id: info.id } });
});

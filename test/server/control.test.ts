// Server: the control surface kills, blackholes, drains, restarts, publishes, refuses and counts, over loopback HTTP.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { type Host, startControl } from '../../server/index.ts';
import { createSession, poll, send, startHosts, wsClient } from './support.ts';

async function control(hosts: Host[]): Promise<(path: string, body?: unknown) => Promise<Response>> {
  const surface = await startControl(hosts);
  after(() => surface.close());
  assert.match(surface.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  return (path, body) =>
    fetch(
      `${surface.url}${path}`,
      body === undefined && path.endsWith('counts') ? {} : { method: 'POST', body: JSON.stringify(body ?? null) },
    );
}

test('kill resets every connection and stops listening; restart listens on the same port again', async () => {
  const hosts = await startHosts(1);
  const host = hosts[0]!;
  const post = await control(hosts);
  const client = await wsClient(host);
  const port = host.port;
  assert.equal((await post('/hosts/0/kill')).status, 200);
  assert.equal((await client.closed).code, 1006);
  await assert.rejects(fetch(`${host.url}/session`, { method: 'POST' }));
  assert.deepEqual(await (await post('/hosts/0/restart')).json(), {
    name: 'h0',
    url: `http://127.0.0.1:${port}`,
    state: 'up',
  });
  assert.equal(host.port, port);
  const again = await wsClient(host);
  again.send({ op: 'ping', t: 1 });
  await again.next('pong');
});

test('a killed host forgets its sessions', async () => {
  const hosts = await startHosts(1);
  const session = await createSession(hosts[0]!);
  await hosts[0]!.restart();
  assert.equal((await send(hosts[0]!, session, [])).status, 404);
});

test('blackhole: TCP is accepted but nothing is answered, on new and existing connections', async () => {
  const hosts = await startHosts(1);
  const post = await control(hosts);
  const client = await wsClient(hosts[0]!);
  assert.equal(((await (await post('/hosts/0/blackhole')).json()) as { state: string }).state, 'blackholed');
  client.send({ op: 'ping', t: 1 });
  await assert.rejects(client.next('pong', 300), /timed out after 300 ms waiting for a pong frame/);
  await assert.rejects(
    fetch(`${hosts[0]!.url}/session`, { method: 'POST', signal: AbortSignal.timeout(300) }),
    /TimeoutError|aborted/,
  );
  const socket = new WebSocket(`${hosts[0]!.url.replace('http', 'ws')}/ws`);
  socket.on('error', () => {});
  after(() => socket.terminate());
  const opened = await Promise.race([
    new Promise((resolve) => socket.once('open', () => resolve(true))),
    new Promise((r) => setTimeout(() => r(false), 300)),
  ]);
  assert.equal(opened, false);
});

test('inject sends text as it is to every client', async () => {
  const hosts = await startHosts(1);
  const post = await control(hosts);
  const client = await wsClient(hosts[0]!);
  await post('/hosts/0/inject', { text: '{"op":"drain","unchecked":true}' });
  assert.deepEqual(await client.next('drain'), { op: 'drain', unchecked: true });
});

test('drain sends drain to every client', async () => {
  const hosts = await startHosts(1);
  const post = await control(hosts);
  const client = await wsClient(hosts[0]!);
  await post('/hosts/0/drain');
  assert.deepEqual(await client.next('drain'), { op: 'drain' });
});

test('disconnect ends every connection, saying why', async () => {
  const hosts = await startHosts(1);
  const post = await control(hosts);
  const client = await wsClient(hosts[0]!);
  await post('/hosts/0/disconnect', { reason: 'maintenance' });
  assert.deepEqual(await client.next('error'), { op: 'error', code: 'closing', message: 'maintenance' });
  assert.deepEqual(await client.closed, { code: 1000, reason: 'maintenance' });
});

test('publish reaches subscribers of every host sharing the backplane', async () => {
  const hosts = await startHosts(2);
  const post = await control(hosts);
  const client = await wsClient(hosts[1]!);
  client.send({ op: 'sub', topic: 'ticks/EURUSD' });
  await client.next('subscribed');
  assert.deepEqual(await (await post('/hosts/0/publish', { topic: 'ticks/EURUSD', data: 1.1 })).json(), { seq: 1 });
  assert.deepEqual(await client.next('msg'), { op: 'msg', topic: 'ticks/EURUSD', seq: 1, data: 1.1 });
});

test('counts gives connections by type and subscribers by topic', async () => {
  const hosts = await startHosts(1, { pollWait: 50 });
  const host = hosts[0]!;
  const post = await control(hosts);
  const a = await wsClient(host);
  const b = await wsClient(host);
  a.send({ op: 'sub', topic: 'x' });
  b.send({ op: 'sub', topic: 'x' });
  b.send({ op: 'sub', topic: 'y' });
  await a.next('subscribed');
  await b.next('subscribed');
  await b.next('subscribed');
  const polling = await createSession(host);
  await send(host, polling, [{ op: 'hello', v: 1 }]);
  await poll(host, polling);
  const streaming = await createSession(host);
  const stream = new AbortController();
  await fetch(`${host.url}/stream?session=${streaming}`, { signal: stream.signal });
  after(() => stream.abort());
  assert.deepEqual(await (await post('/hosts/0/counts')).json(), {
    connections: { ws: 2, http: 1, poll: 1 },
    subscribers: { x: 2, y: 1 },
    files: 0,
  });
});

test('refuse answers 404 to the refused types only', async () => {
  const hosts = await startHosts(1);
  const host = hosts[0]!;
  const post = await control(hosts);
  await post('/hosts/0/refuse', ['ws', 'http']);
  const socket = new WebSocket(`${host.url.replace('http', 'ws')}/ws`);
  socket.on('error', () => {});
  const status = await new Promise((resolve) =>
    socket.once('unexpected-response', (_, response) => resolve(response.statusCode)),
  );
  assert.equal(status, 404);
  const session = await createSession(host);
  assert.equal((await fetch(`${host.url}/stream?session=${session}`)).status, 404);
  await send(host, session, [{ op: 'hello', v: 1 }]);
  assert.equal((await poll(host, session))[0]?.op, 'welcome');
});

test('a bad control request is answered 400 with what is wrong', async () => {
  const hosts = await startHosts(1);
  const post = await control(hosts);
  const noHost = await post('/hosts/5/kill');
  assert.deepEqual([noHost.status, await noHost.text()], [400, 'no host 5: there are 1']);
  assert.equal(await (await post('/hosts/0/explode')).text(), 'unknown action explode');
  assert.equal(await (await post('/hosts/0/publish', { topic: 't' })).text(), 'publish: data is missing');
  assert.match(
    await (await post('/hosts/0/publish', { data: 1 })).text(),
    /^publish: topic must be a non-empty string/,
  );
  assert.equal(
    await (await post('/hosts/0/refuse', ['smoke'])).text(),
    'refuse: the body must be an array of "ws", "http" and "poll"',
  );
  assert.equal(hosts[0]!.state, 'up');
});

test('files serves which host answered, and answers the status the control surface sets, with CORS', async () => {
  const hosts = await startHosts(1);
  const host = hosts[0]!;
  const post = await control(hosts);
  const served = await fetch(`${host.url}/files/video/clip.mp4`);
  assert.equal(served.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(await served.json(), { host: 'h0', method: 'GET', path: '/files/video/clip.mp4' });
  assert.equal((await post('/hosts/0/files', { status: 503 })).status, 200);
  const refused = await fetch(`${host.url}/files/x`, { method: 'POST', body: 'x' });
  assert.equal(refused.status, 503);
  assert.equal(await refused.text(), 'h0 answers 503');
  assert.equal((await post('/hosts/0/files', { status: 'nope' })).status, 400);
  assert.equal(host.counts().files, 2);
});

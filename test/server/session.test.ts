// Server: http and poll sessions: frames down the stream or the poll, 404 for unknown sessions, expiry.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSession, poll, pollUntil, send, startHosts } from './support.ts';

test('an event stream carries every frame as a data: line', async () => {
  const [host] = await startHosts(1);
  const session = await createSession(host!);
  const controller = new AbortController();
  const response = await fetch(`${host!.url}/stream?session=${session}`, { signal: controller.signal });
  await send(host!, session, [
    { op: 'hello', v: 1 },
    { op: 'sub', topic: 't' },
    { op: 'ping', t: 9 },
  ]);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('"pong"')) text += (await reader.read()).value;
  controller.abort();
  const lines = text.split('\n').filter(Boolean);
  assert.equal(lines[0], ':');
  assert.deepEqual(
    lines.slice(1).map((line) => JSON.parse(line.replace(/^data: /, '')).op),
    ['welcome', 'subscribed', 'pong'],
  );
});

test('a poll answers at once with what is queued, and [] after the poll wait', async () => {
  const [host] = await startHosts(1, { pollWait: 100 });
  const session = await createSession(host!);
  await send(host!, session, [{ op: 'hello', v: 1 }]);
  assert.equal((await poll(host!, session))[0]?.op, 'welcome');
  const started = Date.now();
  assert.deepEqual(await poll(host!, session), []);
  assert.ok(Date.now() - started >= 90);
});

test('a waiting poll is answered as soon as a frame arrives', async () => {
  const [host] = await startHosts(1);
  const session = await createSession(host!);
  await send(host!, session, [
    { op: 'hello', v: 1 },
    { op: 'sub', topic: 't' },
  ]);
  await pollUntil(host!, session, 'subscribed');
  const waiting = poll(host!, session);
  await host!.publish('t', 'now');
  assert.deepEqual(await waiting, [{ op: 'msg', topic: 't', seq: 1, data: 'now' }]);
});

test('an unknown session answers 404 on /stream, /poll and /send', async () => {
  const [host] = await startHosts(1);
  for (const [path, method] of [
    ['/stream', 'GET'],
    ['/poll', 'GET'],
    ['/send', 'POST'],
  ] as const) {
    const response = await fetch(`${host!.url}${path}?session=nope`, {
      method,
      body: method === 'POST' ? '[]' : undefined,
    });
    assert.equal(response.status, 404, path);
    assert.equal(await response.text(), 'unknown session');
  }
});

test('a session with no stream or poll for the expiry ends, and its subscriptions with it', async () => {
  const [host] = await startHosts(1, { sessionExpiry: 200, pollWait: 50 });
  const session = await createSession(host!);
  await send(host!, session, [
    { op: 'hello', v: 1 },
    { op: 'sub', topic: 't' },
  ]);
  await pollUntil(host!, session, 'subscribed');
  assert.deepEqual(host!.counts().subscribers, { t: 1 });
  // Polling keeps it alive past the expiry.
  for (let i = 0; i < 6; i++) await poll(host!, session);
  assert.equal((await send(host!, session, [])).status, 204);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal((await send(host!, session, [])).status, 404);
  assert.deepEqual(host!.counts(), { connections: { ws: 0, http: 0, poll: 0 }, subscribers: {}, files: 0 });
});

test('a session that never streams or polls expires too', async () => {
  const [host] = await startHosts(1, { sessionExpiry: 100 });
  const session = await createSession(host!);
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal((await send(host!, session, [{ op: 'hello', v: 1 }])).status, 404);
});

test('a session ended on purpose between two polls gives its reason to the next poll, then answers 404', async () => {
  const [host] = await startHosts(1);
  const session = await createSession(host!);
  await send(host!, session, [{ op: 'hello', v: 1 }]);
  await pollUntil(host!, session, 'welcome');
  host!.disconnect('maintenance');
  assert.deepEqual(await poll(host!, session), [{ op: 'error', code: 'closing', message: 'maintenance' }]);
  assert.equal((await fetch(`${host!.url}/poll?session=${session}`)).status, 404);
});

// Server: every kind of bad frame is answered with an `error` naming it, and the host stays up.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { createSession, pollUntil, send, startHosts, wsClient } from './support.ts';

const badFrames: [string, string, RegExp][] = [
  ['not JSON', '{"op":"sub",', /^\{"op":"sub",: not valid JSON$/],
  ['not an object', '[1,2]', /^\[1,2\]: a frame must be a JSON object$/],
  ['a string', '"hello"', /^"hello": a frame must be a JSON object$/],
  ['no op', '{"topic":"t"}', /^\{"topic":"t"\}: op is missing$/],
  ['an unknown op', '{"op":"subscribe","topic":"t"}', /^subscribe: unknown op$/],
  ['sub without a topic', '{"op":"sub"}', /^sub: topic must be a non-empty string/],
  ['sub with an empty topic', '{"op":"sub","topic":""}', /^sub: topic must be/],
  [
    'sub with a topic of 257 units',
    JSON.stringify({ op: 'sub', topic: 'x'.repeat(257) }),
    /^sub: topic .* at most 256/,
  ],
  ['sub with a negative from', '{"op":"sub","topic":"t","from":-1}', /^sub: from must be an integer of at least 0$/],
  ['sub with a fractional from', '{"op":"sub","topic":"t","from":1.5}', /^sub: from must be an integer/],
  ['unsub with a numeric topic', '{"op":"unsub","topic":5}', /^unsub: topic must be/],
  ['pub without an id', '{"op":"pub","topic":"t","data":1}', /^pub: id must be a non-empty string of at most 64/],
  [
    'pub with an id of 65 chars',
    JSON.stringify({ op: 'pub', topic: 't', data: 1, id: 'i'.repeat(65) }),
    /^pub: id must be/,
  ],
  ['ping without t', '{"op":"ping"}', /^ping: t must be a number$/],
  ['a second hello', '{"op":"hello","v":1}', /^hello: already welcomed$/],
];

for (const [kind, text, message] of badFrames) {
  test(`ws: ${kind} is answered with error, and the connection still works`, async () => {
    const [host] = await startHosts(1);
    const client = await wsClient(host!);
    client.sendText(text);
    const error = await client.next('error');
    assert.match(error.message, message);
    client.send({ op: 'ping', t: 1 });
    assert.deepEqual(await client.next('pong'), { op: 'pong', t: 1 });
  });
}

test('/send: each bad frame of a batch is answered with error, the good ones are handled', async () => {
  const [host] = await startHosts(1);
  const session = await createSession(host!);
  const response = await send(host!, session, [
    { op: 'hello', v: 1 },
    { op: 'sub' },
    { op: 'nope' },
    { op: 'ping', t: 2 },
  ]);
  assert.equal(response.status, 204);
  const frames = await pollUntil(host!, session, 'pong');
  assert.deepEqual(
    frames.map((f) => (f.op === 'error' ? f.message.split(':')[0] : f.op)),
    ['welcome', 'sub', 'nope', 'pong'],
  );
});

test('/send: a body that is not a JSON array answers 400 and an error frame', async () => {
  const [host] = await startHosts(1);
  const session = await createSession(host!);
  await send(host!, session, [{ op: 'hello', v: 1 }]);
  const response = await send(host!, session, '{"op":"ping","t":1}');
  assert.equal(response.status, 400);
  assert.equal(await response.text(), '/send takes a JSON array of frames');
  const error = (await pollUntil(host!, session, 'error')).at(-1);
  assert.deepEqual(error, {
    op: 'error',
    code: 'bad-frame',
    message: '{"op":"ping","t":1}: /send takes a JSON array of frames',
  });
});

test('ws: a frame before hello is answered with error and the connection closes', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!, { hello: false });
  client.send({ op: 'sub', topic: 't' });
  assert.deepEqual(await client.next('error'), {
    op: 'error',
    code: 'no-hello',
    message: 'sub: the first frame must be hello',
  });
  assert.equal((await client.closed).reason, 'sub: the first frame must be hello');
});

test('ws: hello with another protocol version is refused, naming both versions', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!, { hello: false });
  client.send({ op: 'hello', v: 2 });
  const error = await client.next('error');
  assert.equal(error.code, 'version');
  assert.equal(error.message, 'hello: this host speaks protocol version 1, not 2');
  await client.closed;
});

test('ws: a binary message is answered with error', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!);
  client.sendText(Buffer.from([1, 2, 3]));
  assert.equal((await client.next('error')).message, 'binary message: frames are text');
});

test('ws: a frame over the size limit is refused with error, a pub with nack too-large, and the host stays up', async () => {
  const [host] = await startHosts(1, { maxFrameBytes: 1000 });
  const client = await wsClient(host!);
  client.send({ op: 'sub', topic: 'x'.repeat(1000) });
  const error = await client.next('error');
  assert.equal(error.code, 'too-large');
  assert.match(error.message, /^10\d\d bytes: a frame may be at most 1000 bytes \(maxFrameBytes\)$/);
  client.send({ op: 'pub', topic: 't', data: 'x'.repeat(1000), id: 'big' });
  const nack = await client.next('nack');
  assert.deepEqual([nack.id, nack.code], ['big', 'too-large']);
  assert.match(nack.error, /^10\d\d bytes: a frame may be at most 1000 bytes \(maxFrameBytes\)$/);
  client.send({ op: 'pub', topic: 't', data: 'small', id: 'small' });
  assert.deepEqual(await client.next('ack'), { op: 'ack', id: 'small' });
});

test('the default frame limit is 1 MiB', async () => {
  const [host] = await startHosts(1);
  const client = await wsClient(host!);
  client.send({ op: 'pub', topic: 't', data: 'x'.repeat(1024 * 1024 - 100), id: 'fits' });
  assert.deepEqual(await client.next('ack', 10_000), { op: 'ack', id: 'fits' });
  client.send({ op: 'pub', topic: 't', data: 'x'.repeat(1024 * 1024), id: 'over' });
  assert.equal((await client.next('nack', 10_000)).code, 'too-large');
});

test('/send: a body over the size limit answers 413 and an error frame on the session', async () => {
  const [host] = await startHosts(1, { maxFrameBytes: 1000 });
  const session = await createSession(host!);
  await send(host!, session, [{ op: 'hello', v: 1 }]);
  const response = await send(host!, session, [{ op: 'pub', topic: 't', data: 'x'.repeat(2000), id: 'big' }]);
  assert.equal(response.status, 413);
  const error = (await pollUntil(host!, session, 'error')).at(-1);
  assert.deepEqual(error, {
    op: 'error',
    code: 'too-large',
    message: '2047 bytes: a frame may be at most 1000 bytes (maxFrameBytes)',
  });
  assert.equal((await send(host!, session, [{ op: 'ping', t: 3 }])).status, 204);
});

test('a client that drops mid-/send does not take the host down', async () => {
  const [host] = await startHosts(1);
  const session = await createSession(host!);
  const socket = connect(host!.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`POST /send?session=${session} HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n[{"op":`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal((await send(host!, session, [{ op: 'hello', v: 1 }])).status, 204);
});

test('ws: a frame far over the limit closes that connection (1009), and the host stays up', async () => {
  const [host] = await startHosts(1, { maxFrameBytes: 1000 });
  const client = await wsClient(host!);
  client.sendText('x'.repeat(5000));
  assert.equal((await client.closed).code, 1009);
  const other = await wsClient(host!);
  other.send({ op: 'ping', t: 1 });
  await other.next('pong');
});

// protocol.ts: decode never throws, and names a bad frame by its op or its first 200 characters.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, decodeClientFrame, encode } from '../../shared/protocol.ts';

test('a valid server frame decodes to itself, unknown fields kept', () => {
  const text = encode({ op: 'msg', topic: 't', seq: 3, data: { a: 1 } });
  assert.deepEqual(decode(text), { frame: { op: 'msg', topic: 't', seq: 3, data: { a: 1 } } });
  assert.deepEqual(decode('{"op":"drain","later":true}').frame, { op: 'drain', later: true });
});

test('bad server frames are named by op, or by their first 200 characters', () => {
  const garbage = 'x'.repeat(300);
  assert.deepEqual(decode(garbage), { error: { what: 'x'.repeat(200), reason: 'not valid JSON' } });
  assert.deepEqual(decode('null'), { error: { what: 'null', reason: 'a frame must be a JSON object' } });
  assert.deepEqual(decode('{"op":"msg","topic":"t","seq":0,"data":1}'), {
    error: { what: 'msg', reason: 'seq must be an integer of at least 1' },
  });
  assert.deepEqual(decode('{"op":"welcome","v":1,"server":"a","heartbeat":0}').error, {
    what: 'welcome',
    reason: 'heartbeat must be 100 to 300000 ms, got 0',
  });
  assert.deepEqual(decode('{"op":"subscribed","topic":"t","seq":1}').error, {
    what: 'subscribed',
    reason: 'recovered must be true or false',
  });
  assert.deepEqual(decode('{"op":"nack","id":"a"}').error, { what: 'nack', reason: 'error must be a string' });
  assert.deepEqual(decode('{"op":"hello","v":1}').error, { what: 'hello', reason: 'unknown op' });
});

test('epoch (at most 64 characters), a nack code and an error topic are optional strings', () => {
  const welcome = '{"op":"welcome","v":1,"server":"a","heartbeat":15000';
  assert.ok(decode(`${welcome}}`).frame);
  assert.equal((decode(`${welcome},"epoch":"e1"}`).frame as { epoch?: string }).epoch, 'e1');
  const badEpoch = 'epoch must be a string of at most 64 characters';
  assert.deepEqual(decode(`${welcome},"epoch":1}`).error, { what: 'welcome', reason: badEpoch });
  assert.deepEqual(decode(`${welcome},"epoch":"${'e'.repeat(65)}"}`).error, { what: 'welcome', reason: badEpoch });
  assert.deepEqual(decode('{"op":"subscribed","topic":"t","seq":1,"recovered":true,"epoch":null}').error, {
    what: 'subscribed',
    reason: badEpoch,
  });
  assert.ok(decode('{"op":"nack","id":"a","error":"e","code":"unknown"}').frame);
  assert.deepEqual(decode('{"op":"nack","id":"a","error":"e","code":5}').error, {
    what: 'nack',
    reason: 'code must be a string',
  });
  assert.ok(decode('{"op":"error","code":"forbidden","message":"m","topic":"t"}').frame);
  assert.deepEqual(decode('{"op":"error","code":"forbidden","message":"m","topic":[]}').error, {
    what: 'error',
    reason: 'topic must be a string',
  });
});

test('client frames: a topic may be 256 UTF-16 units, not 257', () => {
  assert.ok(decodeClientFrame(JSON.stringify({ op: 'sub', topic: '€'.repeat(256) })).frame);
  assert.equal(decodeClientFrame(JSON.stringify({ op: 'sub', topic: '😀'.repeat(129) })).error?.what, 'sub');
  assert.ok(decodeClientFrame(JSON.stringify({ op: 'pub', topic: 't', data: null, id: 'i'.repeat(64) })).frame);
});

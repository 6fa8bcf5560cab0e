// Server: the Redis backplane's ordering of what pub/sub delivers, on a stream kept in an array (pure logic).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../server/history.ts';
import { InOrder } from '../../server/redis-order.ts';

const message = (seq: number, topic = 't'): Message => ({ topic, seq, data: seq });

/** An InOrder over a stream of seqs 1..`kept`; `failing` makes reads fail, as while Redis is down. */
function ordered(kept: number) {
  const passed: number[] = [];
  const reads: number[] = [];
  const state = { failing: false };
  const order = new InOrder(
    async (topic, after) => {
      reads.push(after);
      if (state.failing) throw new Error('Redis is down');
      return Array.from({ length: Math.max(0, kept - after) }, (_, i) => message(after + 1 + i, topic));
    },
    (m) => passed.push(m.seq),
  );
  return { order, passed, reads, state };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('messages in seq order pass straight on; one heard twice passes once', () => {
  const { order, passed, reads } = ordered(3);
  for (const seq of [1, 2, 2, 3]) order.hear(message(seq));
  assert.deepEqual(passed, [1, 2, 3]);
  assert.deepEqual(reads, []);
});

test('a seq that jumps is held while the stream is read, then everything passes once, in order', async () => {
  const { order, passed, reads } = ordered(6);
  order.hear(message(1));
  order.hear(message(4));
  order.hear(message(6));
  order.hear(message(5));
  await settle();
  assert.deepEqual(reads, [1]);
  assert.deepEqual(passed, [1, 2, 3, 4, 5, 6]);
});

test('a failed read keeps the messages held; the catch-up after reconnecting passes them on in order', async () => {
  const { order, passed, state } = ordered(5);
  order.hear(message(1));
  state.failing = true;
  order.hear(message(3));
  await settle();
  assert.deepEqual(passed, [1]);
  state.failing = false;
  await order.catchUp('t');
  assert.deepEqual(passed, [1, 2, 3, 4, 5]);
  assert.deepEqual(order.heard(), [['t', 5]]);
});

test('topics are ordered apart: a hole in one holds none of the others', async () => {
  const { order, passed } = ordered(2);
  order.hear(message(1, 'a'));
  order.hear(message(1, 'b'));
  order.hear(message(3, 'a'));
  order.hear(message(2, 'b'));
  assert.deepEqual(passed, [1, 1, 2]);
  await settle();
  assert.deepEqual(order.heard(), [
    ['a', 3],
    ['b', 2],
  ]);
});

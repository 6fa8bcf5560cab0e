// Server, as an operator runs it: a host process's /healthz, /readyz, /metrics and JSON logs, and SIGTERM's graceful drain.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerFrame } from '../../shared/protocol.ts';
import { Inbox } from '../support/inbox.ts';
import { until } from '../support/until.ts';
import { parsePrometheus } from './prometheus.ts';
import { startRedisCluster } from './redis-support.ts';
import { wsClient } from './support.ts';

const WAIT = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { redis, hosts } = await startRedisCluster(1, {
  forbid: ['secret/'],
  args: ['--log-level', 'debug', '--drain-deadline', '8000'],
});
const host = hosts[0]!;

async function readyz(): Promise<{ status: number; body: { ready: boolean; reason?: string } }> {
  const response = await fetch(`${host.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { ready: boolean; reason?: string } };
}

async function scrape() {
  const response = await fetch(`${host.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return parsePrometheus(await response.text());
}

/** An http or poll client: a session, frames sent by POST /send, frames read by /stream or by polling. */
async function sessionClient(type: 'http' | 'poll') {
  const { session } = (await (await fetch(`${host.url}/session`, { method: 'POST' })).json()) as { session: string };
  const inbox = new Inbox();
  const take = (text: string) => inbox.push(JSON.parse(text) as ServerFrame);
  const send = async (...frames: unknown[]) => {
    const response = await fetch(`${host.url}/send?session=${session}`, {
      method: 'POST',
      body: JSON.stringify(frames),
    });
    assert.equal(response.status, 204);
  };
  // Reads until the host ends the session or goes away.
  const reading = (async () => {
    if (type === 'http') {
      const response = await fetch(`${host.url}/stream?session=${session}`);
      let buffer = '';
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += Buffer.from(chunk).toString();
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const event of events) if (event.startsWith('data: ')) take(event.slice(6));
      }
    } else {
      for (;;) {
        const response = await fetch(`${host.url}/poll?session=${session}`);
        if (!response.ok) return;
        const got = (await response.json()) as unknown[];
        for (const frame of got) inbox.push(frame as ServerFrame);
      }
    }
  })().catch(() => undefined);
  await send({ op: 'hello', v: 1 });
  await inbox.next('welcome', WAIT);
  return { inbox, send, reading };
}

test('GET /healthz answers live, and GET /readyz ready', async () => {
  const health = await fetch(`${host.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { live: true });
  assert.deepEqual(await readyz(), { status: 200, body: { ready: true } });
});

test('/metrics counts connections, subscriptions, topics, messages, pubs acked and nacked by code, as traffic flows', async () => {
  const before = (await scrape()).samples;
  const client = await wsClient(host);
  client.send({ op: 'sub', topic: 'metered' });
  await client.next('subscribed', WAIT);
  for (let i = 1; i <= 3; i++) client.send({ op: 'pub', topic: 'metered', data: { i }, id: `m${i}` });
  for (let i = 1; i <= 3; i++) await client.next('ack', WAIT);
  for (let i = 1; i <= 3; i++) await client.next('msg', WAIT);
  client.send({ op: 'pub', topic: 'secret/x', data: 1, id: 'refused' });
  assert.equal((await client.next('nack', WAIT)).code, 'forbidden');

  const { samples, types } = await scrape();
  const moved = (name: string) => (samples.get(name) ?? 0) - (before.get(name) ?? 0);
  assert.equal(moved('switchboard_pubs_acked_total'), 3);
  assert.equal(moved('switchboard_messages_in_total'), 3);
  assert.equal(moved('switchboard_messages_out_total{transport="ws"}'), 3);
  assert.equal(moved('switchboard_pubs_nacked_total{code="forbidden"}'), 1);
  assert.equal(samples.get('switchboard_connections{transport="ws"}'), 1);
  assert.equal(samples.get('switchboard_connections{transport="poll"}'), 0);
  assert.equal(samples.get('switchboard_subscriptions'), 1);
  assert.equal(samples.get('switchboard_topics'), 1);
  assert.equal(samples.get('switchboard_backplane_up'), 1);
  assert.equal(samples.get('switchboard_ready'), 1);
  const rtt = samples.get('switchboard_backplane_rtt_seconds');
  assert.ok(rtt !== undefined && rtt > 0 && rtt < 1, `a round-trip time in seconds, got ${rtt}`);
  assert.ok((samples.get('process_cpu_user_seconds_total') ?? 0) > 0, 'process metrics');
  assert.equal(types.get('switchboard_pubs_acked_total'), 'counter');
  assert.equal(types.get('switchboard_connections'), 'gauge');
  client.socket.close();
});

test('/readyz answers 503 with the reason while Redis is stopped, and ready again once it is back', async () => {
  await redis.kill();
  const down = await until('readyz false', async () => ((await readyz()).status === 503 ? readyz() : false), WAIT);
  assert.equal(down.body.ready, false);
  assert.match(down.body.reason ?? '', /^the backplane is unreachable \(.+\)$/);
  assert.equal((await scrape()).samples.get('switchboard_backplane_up'), 0);
  assert.ok(Number.isNaN((await scrape()).samples.get('switchboard_backplane_rtt_seconds')), 'no round trip');
  assert.equal((await fetch(`${host.url}/healthz`)).status, 200, 'still live');
  await redis.start();
  await until('readyz true', async () => (await readyz()).status === 200, WAIT);
  assert.deepEqual((await readyz()).body, { ready: true });
});

test('the log is JSON lines of level, time, host and event, with no payload', async () => {
  const lines = host.output().trim().split('\n');
  assert.ok(lines.length >= 5, `several lines, got ${lines.length}`);
  for (const line of lines) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.ok(['debug', 'info', 'warn', 'error'].includes(String(entry.level)), line);
    assert.ok(!Number.isNaN(Date.parse(String(entry.time))), line);
    assert.equal(entry.host, 'h0', line);
    assert.equal(typeof entry.event, 'string', line);
    assert.equal(typeof entry.msg, 'string', line);
  }
  const events = lines.map((line) => (JSON.parse(line) as { event: string }).event);
  for (const event of ['listening', 'control', 'connected', 'backplane-down', 'backplane-up'])
    assert.ok(events.includes(event), `an ${event} event in ${events.join(', ')}`);
  assert.doesNotMatch(host.output(), /metered"|"i":/, 'no message data');
});

test('SIGTERM: ws, http and poll clients each get drain, their in-flight pubs are acked, and the host exits 0', async () => {
  const ws = await wsClient(host);
  const http = await sessionClient('http');
  const poll = await sessionClient('poll');
  // Redis holds writes, so the pubs below are still in flight when the signal comes.
  await redis.pause(1500);
  for (let i = 1; i <= 3; i++) ws.send({ op: 'pub', topic: 'drained', data: i, id: `ws-${i}` });
  await http.send(...[1, 2, 3].map((i) => ({ op: 'pub', topic: 'drained', data: i, id: `http-${i}` })));
  await poll.send(...[1, 2, 3].map((i) => ({ op: 'pub', topic: 'drained', data: i, id: `poll-${i}` })));
  await sleep(200);
  const exited = host.kill('SIGTERM');

  await until('readyz false while draining', async () => (await readyz()).status === 503, WAIT);
  assert.match((await readyz()).body.reason ?? '', /draining/);
  assert.equal((await fetch(`${host.url}/session`, { method: 'POST' })).status, 503, 'no new sessions');
  for (const [name, inbox] of [
    ['ws', ws],
    ['http', http.inbox],
    ['poll', poll.inbox],
  ] as const) {
    // On failure, what the host logged tells where the shutdown stood.
    const next = <Op extends ServerFrame['op']>(op: Op) =>
      inbox.next(op, WAIT).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}\n${host.output()}`);
      });
    await next('drain');
    const acks = [];
    for (let i = 1; i <= 3; i++) acks.push((await next('ack')).id);
    assert.deepEqual(
      acks,
      [1, 2, 3].map((i) => `${name}-${i}`),
    );
  }
  await exited;
  assert.equal(host.exitCode(), 0);
  const events = host
    .output()
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { event: string }).event);
  assert.deepEqual(
    events.filter((event) => ['signal', 'draining', 'drained', 'closed'].includes(event)),
    ['signal', 'draining', 'drained', 'closed'],
  );
  await Promise.all([http.reading, poll.reading]);
});

// Server: CORS headers on every answer, preflight included, so pages of any origin can connect.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSession, startHosts } from './support.ts';

test('a preflight for /send is allowed for any origin', async () => {
  const [host] = await startHosts(1);
  const response = await fetch(`${host!.url}/send?session=x`, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://app.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/);
});

test('every answer carries CORS headers: session, send, poll, stream, and 404s', async () => {
  const [host] = await startHosts(1, { pollWait: 50 });
  const session = await createSession(host!);
  const answers = [
    await fetch(`${host!.url}/session`, { method: 'POST' }),
    await fetch(`${host!.url}/send?session=${session}`, { method: 'POST', body: '[{"op":"hello","v":1}]' }),
    await fetch(`${host!.url}/poll?session=${session}`),
    await fetch(`${host!.url}/poll?session=unknown`),
    await fetch(`${host!.url}/nowhere`),
  ];
  assert.deepEqual(
    answers.map((r) => r.status),
    [200, 204, 200, 404, 404],
  );
  for (const answer of answers) assert.equal(answer.headers.get('access-control-allow-origin'), '*');
  const controller = new AbortController();
  const stream = await fetch(`${host!.url}/stream?session=${session}`, { signal: controller.signal });
  assert.equal(stream.headers.get('access-control-allow-origin'), '*');
  assert.equal(stream.headers.get('content-type'), 'text/event-stream');
  controller.abort();
});

// Node test helpers: real hosts on 127.0.0.1 and plain clients of each type to talk to them.

import { after } from 'node:test';
import WebSocket from 'ws';
import { type Host, MemoryBackplane, type ServerOptions, startServer } from '../../server/index.ts';
import type { ServerFrame, WelcomeFrame } from '../../shared/protocol.ts';
import { Inbox } from '../support/inbox.ts';

/** Starts hosts sharing one backplane, closed when the test file ends. */
export async function startHosts(
  count: number,
  options: ServerOptions & { historyLimit?: number } = {},
): Promise<Host[]> {
  const backplane = options.backplane ?? new MemoryBackplane({ historyLimit: options.historyLimit });
  const hosts = await Promise.all(
    Array.from({ length: count }, (_, i) => startServer({ ...options, backplane, name: `h${i}` })),
  );
  after(() => Promise.all(hosts.map((host) => host.close())));
  return hosts;
}

export type WsClient = Inbox & {
  send(frame: unknown): void;
  sendText(text: string | Buffer): void;
  closed: Promise<{ code: number; reason: string }>;
  socket: WebSocket;
  /** The host's `welcome`, once hello has been answered. */
  welcome?: WelcomeFrame;
};

/** A WebSocket client on {base}/ws; with `hello`, it has its welcome when this resolves. */
export async function wsClient(host: Pick<Host, 'url'>, { hello = true } = {}): Promise<WsClient> {
  const socket = new WebSocket(`${host.url.replace('http', 'ws')}/ws`);
  const inbox = new Inbox();
  socket.on('message', (data) => inbox.push(JSON.parse(String(data)) as ServerFrame));
  socket.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  after(() => socket.terminate());
  const client: WsClient = Object.assign(inbox, {
    socket,
    closed,
    send: (frame: unknown) => socket.send(JSON.stringify(frame)),
    sendText: (text: string | Buffer) => socket.send(text),
  });
  if (hello) {
    client.send({ op: 'hello', v: 1 });
    client.welcome = await client.next('welcome');
  }
  return client;
}

/** POST /session, as an http or poll client does first. */
export async function createSession(host: Host): Promise<string> {
  const response = await fetch(`${host.url}/session`, { method: 'POST' });
  const body = (await response.json()) as { session: string };
  return body.session;
}

/** POST /send with a body as given (frames are JSON-encoded). */
export function send(host: Host, session: string, body: unknown[] | string): Promise<Response> {
  return fetch(`${host.url}/send?session=${session}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** One GET /poll: the frames it answers. */
export async function poll(host: Host, session: string): Promise<ServerFrame[]> {
  const response = await fetch(`${host.url}/poll?session=${session}`);
  if (!response.ok) throw new Error(`poll answered ${response.status}`);
  return (await response.json()) as ServerFrame[];
}

/** Polls until a frame with this op arrives; returns every frame up to it. */
export async function pollUntil(host: Host, session: string, op: ServerFrame['op']): Promise<ServerFrame[]> {
  const frames: ServerFrame[] = [];
  while (!frames.some((frame) => frame.op === op)) frames.push(...(await poll(host, session)));
  return frames;
}

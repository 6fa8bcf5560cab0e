// The control surface for tests and the demo: kill, blackhole, drain, restart, publish and count hosts, from loopback only.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { messageOf } from '../shared/errors.ts';
import type { TopicErrorCode, TransportType } from '../shared/protocol.ts';
import type { Host } from './host.ts';
import { applyHostAction, isHostAction } from './host-actions.ts';
import { answer, readBody } from './http.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Handles `{prefix}/hosts` (GET: the hosts) and `{prefix}/hosts/I/ACTION` (POST kill, blackhole,
 * drain, end-sessions, restart, disconnect {reason}, publish {topic, data}, inject {text}, refuse [types],
 * files {status}, refuse-subscriptions {code: "unavailable" | "forbidden" | "invalid" | null}; GET counts).
 * Resolves false for any other path, so it can share a server.
 */
export function controlHandler(hosts: readonly Host[], prefix = ''): Handler {
  return async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://control').pathname;
    if (!path.startsWith(`${prefix}/hosts`)) return false;
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      answer(response, 403, 'the control surface answers loopback only');
      return true;
    }
    const [index, action] = path
      .slice(prefix.length + '/hosts'.length)
      .split('/')
      .filter(Boolean);
    try {
      const result = index === undefined ? hosts.map(describe) : await act(hosts, Number(index), action, request);
      answer(response, 200, JSON.stringify(result ?? null), 'application/json');
    } catch (error) {
      answer(response, 400, messageOf(error));
    }
    return true;
  };
}

/** Serves the control surface alone on 127.0.0.1. */
export async function startControl(hosts: readonly Host[], port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const handle = controlHandler(hosts);
  const server = createServer((request, response) => {
    handle(request, response).then(
      (handled) => handled || answer(response, 404, 'not found'),
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${address && typeof address === 'object' ? address.port : port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function describe(host: Host) {
  return { name: host.name, url: host.url, state: host.state };
}

async function act(
  hosts: readonly Host[],
  index: number,
  action: string | undefined,
  request: IncomingMessage,
): Promise<unknown> {
  const host = hosts[index];
  if (!host) throw new Error(`no host ${index}: there are ${hosts.length}`);
  if (action === 'counts' && request.method === 'GET') return host.counts();
  if (request.method !== 'POST') throw new Error(`${action ?? 'a host'}: use POST`);
  const body = await readJson(request);
  if (isHostAction(action)) {
    await applyHostAction(host, action);
    return describe(host);
  }
  switch (action) {
    case 'end-sessions':
      host.endSessions();
      break;
    case 'disconnect':
      host.disconnect(
        String((body as { reason?: unknown } | undefined)?.reason ?? 'disconnected by the control surface'),
      );
      break;
    case 'publish': {
      const { topic, data } = (body ?? {}) as { topic?: unknown; data?: unknown };
      return { seq: (await host.publish(String(topic ?? ''), data)).seq };
    }
    case 'inject': {
      const text = (body as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string') throw new Error('inject: text must be a string');
      host.inject(text);
      break;
    }
    case 'files': {
      const status = (body as { status?: unknown } | undefined)?.status;
      if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599)
        throw new Error('files: status must be an HTTP status');
      host.answerFiles(status as number);
      break;
    }
    case 'refuse':
      if (!Array.isArray(body) || !body.every((type) => type === 'ws' || type === 'http' || type === 'poll')) {
        throw new Error('refuse: the body must be an array of "ws", "http" and "poll"');
      }
      host.refuse(body as TransportType[]);
      break;
    case 'refuse-subscriptions': {
      const code = (body as { code?: unknown } | undefined)?.code ?? null;
      if (code !== null && code !== 'unavailable' && code !== 'forbidden' && code !== 'invalid')
        throw new Error('refuse-subscriptions: code must be "unavailable", "forbidden", "invalid" or null');
      host.refuseSubscriptions(code as TopicErrorCode | null);
      break;
    }
    default:
      throw new Error(`unknown action ${action ?? '(none)'}`);
  }
  return describe(host);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const body = await readBody(request, 1024 * 1024);
  if ('tooLarge' in body) throw new Error('the body is too large');
  if (!body.text) return undefined;
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    throw new Error(`the body is not JSON: ${body.text.slice(0, 200)}`);
  }
}

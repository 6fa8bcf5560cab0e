#!/usr/bin/env node
// The `switchboard-server` command: one host (`--port 8001 --name a`), or the demo cluster (`--demo`).

import { parseArgs } from 'node:util';
import { messageOf } from '../shared/errors.ts';
import type { TransportType } from '../shared/protocol.ts';
import { startControl } from './control.ts';
import { startDemo } from './demo.ts';
import { HISTORY_LIMIT } from './history.ts';
import { startServer } from './index.ts';
import { MAX_DEPTH } from './publishable.ts';
import { COMMAND_TIMEOUT, RedisBackplane } from './redis-backplane.ts';

const USAGE = `usage: switchboard-server [--port 8001] [--host 127.0.0.1] [--name a] [--heartbeat ms]
         [--history ${HISTORY_LIMIT}] [--max-frame bytes] [--session-expiry ms] [--refuse ws,http,poll]
         [--max-depth ${MAX_DEPTH}]                      how deeply a pub's data may nest arrays and objects
         [--forbid PREFIX[,PREFIX]]...         topics no client may sub or pub to (error/nack "forbidden")
         [--control PORT]                      control surface on 127.0.0.1:PORT (off by default)
         [--redis redis://127.0.0.1:6379]      share seq, history and fan-out with every host on this Redis
         [--redis-timeout ${COMMAND_TIMEOUT}]                ms a Redis command may take; a pub past it is nacked "unknown"
       switchboard-server --demo [--port 8000] [--rate 2]`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number, not ${value}`);
  return parsed;
}

function types(value: string | undefined): TransportType[] | undefined {
  const list = value?.split(',').filter(Boolean);
  const bad = list?.find((type) => type !== 'ws' && type !== 'http' && type !== 'poll');
  if (bad !== undefined) throw new Error(`--refuse takes ws, http and poll, not ${bad}`);
  return list as TransportType[] | undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      heartbeat: { type: 'string' },
      history: { type: 'string' },
      'max-frame': { type: 'string' },
      'session-expiry': { type: 'string' },
      refuse: { type: 'string' },
      'max-depth': { type: 'string' },
      forbid: { type: 'string', multiple: true },
      control: { type: 'string' },
      redis: { type: 'string' },
      'redis-timeout': { type: 'string' },
      demo: { type: 'boolean' },
      rate: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (values.demo) {
    const demo = await startDemo({ port: number('port', values.port) ?? 8000, rate: number('rate', values.rate) ?? 2 });
    console.log(`Switchboard demo: hosts ${demo.hosts.map((h) => `${h.name} ${h.url} (${h.state})`).join(', ')}`);
    console.log(`Open ${demo.url}`);
    return;
  }
  const historyLimit = number('history', values.history);
  const commandTimeout = number('redis-timeout', values['redis-timeout']);
  const backplane =
    values.redis === undefined ? undefined : new RedisBackplane({ url: values.redis, historyLimit, commandTimeout });
  const host = await startServer({
    backplane,
    port: number('port', values.port) ?? 8001,
    hostname: values.host ?? '127.0.0.1',
    name: values.name,
    heartbeat: number('heartbeat', values.heartbeat),
    historyLimit,
    maxFrameBytes: number('max-frame', values['max-frame']),
    sessionExpiry: number('session-expiry', values['session-expiry']),
    refuse: types(values.refuse),
    maxDepth: number('max-depth', values['max-depth']),
    forbid: values.forbid?.flatMap((list) => list.split(',').filter(Boolean)),
  });
  console.log(`switchboard host ${host.name} listening on ${host.url}`);
  const controlPort = number('control', values.control);
  if (controlPort !== undefined) console.log(`control surface on ${(await startControl([host], controlPort)).url}`);
}

main().catch((error: unknown) => {
  console.error(`switchboard-server: ${messageOf(error)}\n${USAGE}`);
  process.exit(1);
});

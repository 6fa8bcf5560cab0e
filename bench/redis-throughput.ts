// Messages/s through one host and through three hosts, on the in-memory backplane and on one Redis; written to bench/RESULTS.md.
// Run: node --import tsx bench/redis-throughput.ts [--messages 20000] [--runs 3]

import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { MemoryBackplane, startServer } from '../server/index.ts';
import { messageOf } from '../shared/errors.ts';
import { type HostProcess, startHostProcess } from '../test/server/redis-hosts.ts';
import { startRedis } from '../test/server/redis-server.ts';

const RESULTS = new URL('./RESULTS.md', import.meta.url);
const START = '<!-- redis-throughput:start -->';
const END = '<!-- redis-throughput:end -->';
/** Pubs a publisher may have sent and not yet seen acked. */
const WINDOW = 200;

/** `--serve-memory N`: this file, run as a child, serves N hosts on one MemoryBackplane and prints their URLs. */
async function serveMemory(count: number): Promise<void> {
  const backplane = new MemoryBackplane();
  const hosts = await Promise.all(Array.from({ length: count }, (_, i) => startServer({ backplane, name: `m${i}` })));
  console.log(`hosts ${hosts.map((host) => host.url).join(' ')}`);
}

/** Memory hosts in one child process (they must share it), so the hosts never share a process with the load. */
async function memoryHosts(count: number): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-memory', String(count)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const urls = await new Promise<string[]>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /hosts (.+)\n/.exec(output);
      if (line) resolve(line[1]!.split(' '));
    });
    child.once('exit', (code) => reject(new Error(`memory hosts exited (${code}): ${output}`)));
  });
  return { urls, stop: async () => void child.kill('SIGTERM') };
}

function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.send(JSON.stringify({ op: 'hello', v: 1 }));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves when `socket` has received `count` frames with `op`. */
function counting(socket: WebSocket, op: string, count: number, onFrame?: () => void): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { op: string }).op !== op) return;
      onFrame?.();
      if (++seen === count) resolve();
    });
  });
}

/**
 * One publisher and one subscriber per host, on one topic. Each publisher sends its share of `messages`
 * with at most WINDOW unacked; the clock stops when every subscriber has every message.
 */
async function measure(urls: string[], messages: number, topic: string): Promise<number> {
  const subscribers = await Promise.all(urls.map(open));
  await Promise.all(
    subscribers.map((socket) => {
      const subscribed = counting(socket, 'subscribed', 1);
      socket.send(JSON.stringify({ op: 'sub', topic }));
      return subscribed;
    }),
  );
  const publishers = await Promise.all(urls.map(open));
  const delivered = Promise.all(subscribers.map((socket) => counting(socket, 'msg', messages)));
  // Ids must be new on every run: the same id twice within 10 minutes is published once.
  const run = randomUUID();
  const began = performance.now();
  publishers.forEach((socket, p) => {
    const share = Math.floor(messages / urls.length) + (p < messages % urls.length ? 1 : 0);
    let sent = 0;
    const sendOne = () =>
      sent < share &&
      socket.send(JSON.stringify({ op: 'pub', topic, data: { p, i: sent }, id: `${run}-${p}-${sent++}` }));
    void counting(socket, 'ack', share, sendOne);
    for (let i = 0; i < WINDOW; i++) sendOne();
  });
  await delivered;
  const seconds = (performance.now() - began) / 1000;
  for (const socket of [...subscribers, ...publishers]) socket.terminate();
  return messages / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { messages: { type: 'string' }, runs: { type: 'string' }, 'serve-memory': { type: 'string' } },
  });
  if (values['serve-memory']) return serveMemory(Number(values['serve-memory']));
  const messages = Number(values.messages ?? 20_000);
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(messages) || messages < 1)
    throw new Error(`--messages must be a whole number above 0, not ${values.messages}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number above 0, not ${values.runs}`);

  const redis = await startRedis();
  const setups: { name: string; start(): Promise<{ urls: string[]; stop(): Promise<void> }> }[] = [1, 3].flatMap(
    (count) => [
      {
        name: `in-memory backplane, ${count} host${count > 1 ? 's' : ''} in one process`,
        start: () => memoryHosts(count),
      },
      {
        name: `Redis backplane, ${count} host process${count > 1 ? 'es' : ''}`,
        async start() {
          const hosts: HostProcess[] = await Promise.all(
            Array.from({ length: count }, (_, i) => startHostProcess({ redis: redis.url, name: `r${i}` })),
          );
          return {
            urls: hosts.map((host) => host.url),
            stop: async () => void (await Promise.all(hosts.map((host) => host.kill('SIGTERM')))),
          };
        },
      },
    ],
  );
  const rows: string[] = [];
  try {
    for (const setup of setups) {
      const hosts = await setup.start();
      const rates: number[] = [];
      // One unmeasured round first, so every process has warmed up.
      await measure(hosts.urls, Math.min(messages, 2000), 'warm-up');
      for (let run = 0; run < runs; run++) rates.push(await measure(hosts.urls, messages, `bench-${run}`));
      await hosts.stop();
      const line = `| ${setup.name} | ${Math.round(median(rates)).toLocaleString('en')} msg/s | ${rates.map((rate) => Math.round(rate).toLocaleString('en')).join(', ')} |`;
      console.log(line);
      rows.push(line);
    }
  } finally {
    await redis.stop();
  }
  writeSection(report(rows, messages, runs));
}

function report(rows: string[], messages: number, runs: number): string {
  const redisVersion =
    execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? 'unknown';
  return `## Redis backplane throughput

Written by \`node --import tsx bench/redis-throughput.ts\`; do not edit between the markers. Last run: ${new Date().toISOString()};
${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, redis-server ${redisVersion}, all on loopback.

| setup | messages/s (median) | each run |
| --- | --- | --- |
${rows.join('\n')}

Method: one topic; one publisher and one subscriber (plain WebSocket clients, in the benchmark's own process) on each
host. The publishers share ${messages.toLocaleString('en')} pubs between them, each with an id and at most ${WINDOW} unacked at a
time; the clock runs from the first pub until every subscriber has received every message, so a message counts once
however many hosts deliver it. Median of ${runs} runs after an unmeasured warm-up. Hosts never share a process with
the load: in-memory hosts run together in one child process (they must, to share the backplane), Redis hosts each
in their own (\`server/cli.ts --redis\`), with redis-server started for the run (no persistence). This is a shared
2-core machine on which others run tests, so compare rows of one run rather than absolute figures across runs.

Why Redis is slower here: a host handles a client's frames one after another, so on Redis each pub waits one round
trip (the script) before the publisher's next frame is read, and one publisher per host is bound by that round trip;
the in-memory backplane answers at once. Three Redis hosts carry three such publishers side by side.`;
}

function writeSection(section: string): void {
  const file = fileURLToPath(RESULTS);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const block = `${START}\n${section}\n${END}\n`;
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + END.length).replace(/^\n/, '')
      : `${text}${text && !text.endsWith('\n\n') ? '\n' : ''}${block}`;
  writeFileSync(file, next);
}

main().catch((error: unknown) => {
  console.error(`redis-throughput: ${messageOf(error)}`);
  process.exit(1);
});

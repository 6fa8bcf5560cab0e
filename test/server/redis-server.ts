// A real redis-server for tests and benchmarks: on a free loopback port, with no persistence, killed and started again at will.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The redis-server binary: REDIS_SERVER when set, as scripts/system-deps.sh honours it. */
const redisServer = process.env.REDIS_SERVER || 'redis-server';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Like a crash (kill -9): every connection dropped, and the data with it. */
  kill(): Promise<void>;
  /** Starts again on the same port, empty. */
  start(): Promise<void>;
  /** Stops for good. */
  stop(): Promise<void>;
  /** Holds every write for `ms` (CLIENT PAUSE … WRITE), as a stalled Redis would; resolves once the pause began. */
  pause(ms: number): Promise<void>;
}

/** Fails with one line saying how to install Redis when it is not installed. */
function requireRedis(): void {
  const found = spawnSync(redisServer, ['--version'], { stdio: 'ignore' });
  if (found.error)
    throw new Error(`${redisServer} is not installed: apt-get install -y redis-server, or set REDIS_SERVER`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no free port');
  return address.port;
}

/** Starts redis-server on a free port of 127.0.0.1, ready to accept connections when this resolves. */
export async function startRedis(): Promise<RedisServer> {
  requireRedis();
  const port = await freePort();
  let child: ChildProcess | undefined;
  // A test that dies still takes its redis-server with it.
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  async function start(): Promise<void> {
    const started = spawn(
      redisServer,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server on port ${port} was not ready within 10 s:\n${output}`)),
        10_000,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (!output.includes('Ready to accept connections')) return;
        clearTimeout(timer);
        started.stdout?.off('data', read);
        resolve();
      };
      started.stdout?.on('data', read);
      started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${port} exited (${code}):\n${output}`));
      });
    });
    started.stdout?.resume();
  }

  async function end(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => end('SIGKILL'),
    start,
    async pause(ms) {
      const admin = new Redis(port, '127.0.0.1', { lazyConnect: true });
      await admin.connect();
      await admin.call('CLIENT', 'PAUSE', String(ms), 'WRITE');
      admin.disconnect();
    },
    stop: async () => {
      await end('SIGTERM');
      process.off('exit', killOnExit);
    },
  };
}

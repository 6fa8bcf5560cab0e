// The benchmarks' server side: a child process running built reference hosts (dist/server) on loopback, driven over IPC.

import { messageOf } from '../shared/errors.ts';
import { type Host, MemoryBackplane, startServer } from './built-server.ts';
import { clockNow, type ServerCommand, type ServerReply, type Topics } from './server-commands.ts';

let hosts: Host[] = [];
let stream: ReturnType<typeof setInterval> | undefined;

const run: {
  [K in ServerCommand['cmd']]: (args: Extract<ServerCommand, { cmd: K }>['args']) => Promise<unknown> | unknown;
} = {
  async start({ hosts: count, heartbeat }) {
    await stop();
    const backplane = new MemoryBackplane({ historyLimit: 1000 });
    hosts = await Promise.all(
      Array.from({ length: count }, (_, i) => startServer({ name: `h${i}`, backplane, heartbeat })),
    );
    return hosts.map((host) => host.url);
  },
  stop,
  async kill({ hosts: which }) {
    for (const i of which) await host(i).kill();
    return clockNow();
  },
  blackhole({ hosts: which }) {
    for (const i of which) host(i).blackhole();
    return clockNow();
  },
  /** Kills or blackholes host 0, then publishes one message on each topic (they wait in history for the next host). */
  async fail({ how, topics }) {
    const at = clockNow();
    if (how === 'reset') await host(0).kill();
    else host(0).blackhole();
    publishEach(topics, { after: at });
    return { at, published: clockNow() - at };
  },
  publishEach({ topics }) {
    publishEach(topics, {});
  },
  counts() {
    return hosts.map((h) => {
      const { connections, subscribers } = h.counts();
      return {
        connections: connections.ws + connections.http + connections.poll,
        topics: Object.keys(subscribers).length,
      };
    });
  },
  memory() {
    // Twice: the first pass may only queue finalizers.
    globalThis.gc?.();
    globalThis.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    return { heap: heapUsed, rss };
  },
  /** Publishes `count` messages as fast as the host takes them, in chunks that leave room for socket writes. */
  async burst({ topic, count }) {
    const start = clockNow();
    const backplane = host(0).backplane;
    for (let sent = 0; sent < count; ) {
      for (const end = Math.min(count, sent + 250); sent < end; sent++) void backplane.publish(topic, { i: sent });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return start;
  },
  /** Publishes at `rate` messages a second for `ms`, each stamped with the time it left. */
  async paced({ topic, rate, ms }) {
    const backplane = host(0).backplane;
    const start = clockNow();
    let sent = 0;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const elapsed = clockNow() - start;
        const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((ms * rate) / 1000));
        while (sent < due) void backplane.publish(topic, { i: sent++, t: clockNow() });
        if (elapsed >= ms) {
          clearInterval(timer);
          done();
        }
      }, 1);
    });
    return sent;
  },
  /** A steady trickle on a topic, on whichever host is alive (they share the backplane). */
  startStream({ topic, every }) {
    const backplane = host(0).backplane;
    clearInterval(stream);
    stream = setInterval(() => void backplane.publish(topic, { t: clockNow() }), every);
  },
  stopStream() {
    clearInterval(stream);
    stream = undefined;
  },
};

function publishEach({ prefix, count }: Topics, data: object): void {
  const { backplane } = host(0);
  for (let i = 0; i < count; i++) void backplane.publish(`${prefix}${i}`, data);
}

function host(i: number): Host {
  const found = hosts[i];
  if (!found) throw new Error(`no host ${i}: there are ${hosts.length}`);
  return found;
}

async function stop(): Promise<void> {
  clearInterval(stream);
  const closing = hosts;
  hosts = [];
  await Promise.all(closing.map((h) => h.close()));
}

process.on('message', (message: { id: number } & ServerCommand) => {
  const reply = (answer: Omit<ServerReply, 'id'>) => process.send?.({ id: message.id, ...answer });
  Promise.resolve()
    .then(() => (run[message.cmd] as (args: unknown) => unknown)(message.args))
    .then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: messageOf(error) }),
    );
});
process.on('disconnect', () => void stop().then(() => process.exit(0)));
process.send?.({ id: 0, result: 'ready' });

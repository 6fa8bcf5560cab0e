// The benchmarks' handle on the server process: fork it, send it commands, stop it.

import { fork } from 'node:child_process';
import type { ServerCommand, ServerReply, ServerResults } from './server-commands.ts';

export interface ServerProcess {
  call<K extends ServerCommand['cmd']>(
    cmd: K,
    ...args: Extract<ServerCommand, { cmd: K }>['args'] extends undefined
      ? []
      : [Extract<ServerCommand, { cmd: K }>['args']]
  ): Promise<ServerResults[K]>;
  close(): Promise<void>;
}

/** A command that takes longer than this means the benchmark broke. */
const COMMAND_LIMIT = 60_000;

export async function startServerProcess(): Promise<ServerProcess> {
  // Its own process, so its memory is the hosts' alone and its CPU is not the browser driver's.
  const child = fork(new URL('./server-process.ts', import.meta.url), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 1;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`))),
  );
  exited.catch(() => undefined);
  child.on('message', (reply: ServerReply) => {
    const entry = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error !== undefined) entry?.reject(new Error(`server: ${reply.error}`));
    else entry?.resolve(reply.result);
  });
  await Promise.race([new Promise((resolve) => waiting.set(0, { resolve, reject: resolve })), exited]);
  return {
    call(cmd, ...args) {
      const id = next++;
      const answer = new Promise<never>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        const timer = setTimeout(
          () => reject(new Error(`server: ${cmd} took over ${COMMAND_LIMIT} ms`)),
          COMMAND_LIMIT,
        );
        timer.unref();
      });
      child.send({ id, cmd, args: args[0] });
      return Promise.race([answer, exited]);
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await gone;
    },
  };
}

// Reference hosts as separate OS processes (server/cli.ts) on one Redis: started, driven through their control surface, killed.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface HostProcessOptions {
  /** The Redis the host shares: redis://127.0.0.1:PORT. */
  redis: string;
  /** The name it gives in `welcome`. */
  name: string;
  heartbeat?: number;
  historyLimit?: number;
  /** Topic prefixes the host forbids (`--forbid`). */
  forbid?: string[];
  /** ms a Redis command may take before a pub is nacked `unknown` (`--redis-timeout`). */
  redisTimeout?: number;
  /** More command-line arguments, such as `--drain-deadline 5000`. */
  args?: string[];
}

export interface HostProcess {
  readonly name: string;
  readonly pid: number;
  /** Base URL: http://127.0.0.1:PORT. */
  readonly url: string;
  /** Its control surface (server/control.ts): http://127.0.0.1:PORT. */
  readonly control: string;
  /** What it printed so far, for failure messages and log checks. */
  output(): string;
  /** Resolves once `text` has been printed. */
  printed(text: string, ms?: number): Promise<void>;
  /** Sends a signal (default kill -9) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** True while the process runs. */
  alive(): boolean;
  /** The exit code once it exited by itself (null while it runs, or when a signal killed it). */
  exitCode(): number | null;
  /** One action of its control surface, such as `publish` with {topic, data}, or GET `counts`; resolves its JSON answer. */
  act(action: string, body?: unknown): Promise<unknown>;
}

/** Starts `node server/cli.ts --redis URL` on a free port; resolves once it listens and has reached Redis. */
export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const args = [
    '--import',
    'tsx',
    'server/cli.ts',
    '--port',
    '0',
    '--control',
    '0',
    '--name',
    options.name,
    '--redis',
    options.redis,
  ];
  if (options.heartbeat !== undefined) args.push('--heartbeat', String(options.heartbeat));
  if (options.historyLimit !== undefined) args.push('--history', String(options.historyLimit));
  for (const prefix of options.forbid ?? []) args.push('--forbid', prefix);
  if (options.redisTimeout !== undefined) args.push('--redis-timeout', String(options.redisTimeout));
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  let output = '';
  const waiters = new Set<() => void>();
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);

  // A host process compiles the server with tsx as it starts: give a loaded machine time.
  function printed(text: string, ms = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!output.includes(text)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`host ${options.name} did not print "${text}" within ${ms} ms; it printed:\n${output}`));
      }, ms);
      waiters.add(check);
      check();
    });
  }

  await Promise.race([
    Promise.all([
      printed('listening on'),
      printed('control surface on'),
      printed(`Redis at ${options.redis} is connected`),
    ]),
    exited.then(() => Promise.reject(new Error(`host ${options.name} exited at start:\n${output}`))),
  ]);
  const url = /listening on (http:\S+)/.exec(output)?.[1] ?? '';
  const control = /control surface on (http:\S+)/.exec(output)?.[1] ?? '';
  return {
    name: options.name,
    pid: child.pid ?? 0,
    url,
    control,
    output: () => output,
    printed,
    alive: () => child.exitCode === null && child.signalCode === null,
    exitCode: () => child.exitCode,
    async act(action, body) {
      const get = action === 'counts' || action === '';
      const response = await fetch(`${control}/hosts${action ? `/0/${action}` : ''}`, {
        method: get ? 'GET' : 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`host ${options.name}: ${action}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

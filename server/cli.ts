#!/usr/bin/env node
// The `switchboard-server` command: one host (`--port 8001 --name a`), or the demo cluster (`--demo`); `--help` lists every option.

import { constants } from 'node:os';
import { messageOf } from '../shared/errors.ts';
import { ConfigError, loadConfig, type ServerConfig, usage } from './config.ts';
import { startControl } from './control.ts';
import { startDemo } from './demo.ts';
import { Host, type Routes } from './host.ts';
import type { Log } from './log.ts';
import { createLogger } from './logger.ts';
import { hostMetrics, metricsRoute, startMetrics } from './metrics.ts';
import { RedisBackplane } from './redis-backplane.ts';

/** Runs one host until a signal; the graceful shutdown is Host.shutdown(). */
async function runHost(config: ServerConfig): Promise<void> {
  let host: Host | undefined;
  const log = createLogger(() => host?.name ?? config.name ?? `host-${config.port}`, config.logLevel, config.logFormat);
  try {
    const backplane =
      config.redis === undefined
        ? undefined
        : new RedisBackplane({
            url: config.redis,
            historyLimit: config.history,
            commandTimeout: config.redisTimeout,
            log: (line) => log.info({ event: 'redis' }, line),
          });
    // /metrics on the host's port, unless --metrics-port gives it one of its own.
    let metrics: Routes = async () => false;
    host = new Host({
      backplane,
      log,
      routes: (request, response) => metrics(request, response),
      port: config.port,
      hostname: config.host,
      name: config.name,
      heartbeat: config.heartbeat,
      historyLimit: config.history,
      maxFrameBytes: config.maxFrame,
      sessionExpiry: config.sessionExpiry,
      refuse: config.refuse,
      maxDepth: config.maxDepth,
      forbid: config.forbid,
    });
    const registry = hostMetrics(host);
    if (config.metricsPort === undefined) metrics = metricsRoute(registry);
    await host.listen();
    const running = host;
    onSignals(log, async () => {
      await running.shutdown(config.drainDeadline);
      await backplane?.close();
    });
    log.info(
      { event: 'listening', url: host.url },
      `switchboard host ${host.name} listening on ${host.url} for clients`,
    );
    if (config.metricsPort !== undefined) {
      const server = await startMetrics(registry, config.metricsPort, config.host);
      const address = server.address();
      const url = `http://${config.host}:${address && typeof address === 'object' ? address.port : config.metricsPort}`;
      log.info({ event: 'metrics', url }, `metrics on ${url}/metrics for Prometheus`);
    }
    if (config.control !== undefined) {
      const { url } = await startControl([host], config.control);
      log.info({ event: 'control', url }, `control surface on ${url} from loopback only`);
    }
  } catch (error) {
    log.error({ event: 'failed', error: messageOf(error) }, `switchboard-server failed: ${messageOf(error)}`);
    process.exit(1);
  }
}

/** `npm start`'s demo: three hosts and the page; a signal drains them like one host. */
async function runDemo(config: ServerConfig): Promise<void> {
  const log = createLogger(() => 'demo', config.logLevel, config.logFormat);
  const demo = await startDemo({ port: config.port, rate: config.rate });
  onSignals(log, async () => {
    await Promise.all(demo.hosts.map((host) => host.shutdown(config.drainDeadline)));
    await demo.stop();
  });
  const hosts = demo.hosts.map((host) => ({ name: host.name, url: host.url, state: host.state }));
  log.info(
    { event: 'demo', hosts },
    `Switchboard demo: ${hosts.map((h) => `${h.name} ${h.url} (${h.state})`).join(', ')}`,
  );
  log.info({ event: 'listening', url: demo.url }, `Open ${demo.url}`);
}

/** SIGTERM or SIGINT shuts down gracefully, then exits 0; a second signal exits at once. */
function onSignals(log: Log, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ event: 'signal', signal }, `${signal} again: exiting at once`);
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    log.info({ event: 'signal', signal }, `${signal}: shutting down gracefully`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ event: 'failed', error: messageOf(error) }, `the shutdown failed: ${messageOf(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function main(): Promise<void> | undefined {
  let request: ReturnType<typeof loadConfig>;
  try {
    request = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    // No log yet: the configuration of the log may be what is wrong.
    const hint = error instanceof ConfigError ? '\nswitchboard-server --help lists every option' : '';
    process.stderr.write(`switchboard-server: ${messageOf(error)}${hint}\n`);
    process.exit(1);
  }
  if (request.help) return void process.stdout.write(`${usage()}\n`);
  if (request.printConfig)
    return void process.stdout.write(`${JSON.stringify(request.config, (_, value: unknown) => value ?? null, 2)}\n`);
  return request.config.demo ? runDemo(request.config) : runHost(request.config);
}

void main();

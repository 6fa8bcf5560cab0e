// A host's Prometheus metrics (README.md, "Metrics"): read from the host at each scrape, served at GET /metrics.

import { createServer, type Server } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { TransportType } from '../shared/protocol.ts';
import type { Host, Routes } from './host.ts';
import { answer } from './http.ts';

const TRANSPORTS: readonly TransportType[] = ['ws', 'http', 'poll'];

/** A registry holding the host's metrics and the process's (CPU, memory, event loop lag, handles). */
export function hostMetrics(host: Host): Registry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'switchboard_connections',
    help: 'Open client connections, by transport (a session counts once it has streamed or polled)',
    labelNames: ['transport'],
    registers,
    collect() {
      const { connections } = host.counts();
      for (const transport of TRANSPORTS) this.set({ transport }, connections[transport]);
    },
  });
  new Gauge({
    name: 'switchboard_subscriptions',
    help: 'Subscriptions of clients on this host, over all topics',
    registers,
    collect() {
      this.set(Object.values(host.counts().subscribers).reduce((sum, count) => sum + count, 0));
    },
  });
  new Gauge({
    name: 'switchboard_topics',
    help: 'Topics with at least one subscriber on this host',
    registers,
    collect() {
      this.set(Object.keys(host.counts().subscribers).length);
    },
  });
  new Counter({
    name: 'switchboard_messages_in_total',
    help: 'Messages heard from the backplane, published through any host of the cluster',
    registers,
    collect() {
      this.reset();
      this.inc(host.stats.messagesIn);
    },
  });
  new Counter({
    name: 'switchboard_messages_out_total',
    help: 'msg frames written to clients, by transport',
    labelNames: ['transport'],
    registers,
    collect() {
      this.reset();
      for (const transport of TRANSPORTS) this.inc({ transport }, host.stats.messagesOut[transport]);
    },
  });
  new Counter({
    name: 'switchboard_pubs_acked_total',
    help: "Clients' pubs published (or found already published) and acked",
    registers,
    collect() {
      this.reset();
      this.inc(host.stats.pubsAcked);
    },
  });
  new Counter({
    name: 'switchboard_pubs_nacked_total',
    help: "Clients' pubs nacked, by nack code",
    labelNames: ['code'],
    registers,
    collect() {
      this.reset();
      for (const [code, count] of host.stats.pubsNacked) this.inc({ code }, count);
    },
  });
  new Gauge({
    name: 'switchboard_ready',
    help: 'What GET /readyz says: 1 ready, 0 draining or the backplane unreachable',
    registers,
    collect() {
      this.set(host.readiness().ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'switchboard_backplane_up',
    help: 'Whether the backplane can be reached: 1 up, 0 down (always 1 in memory)',
    registers,
    collect() {
      this.set(host.backplaneStatus().up ? 1 : 0);
    },
  });
  if (host.backplane.ping) {
    const ping = host.backplane.ping.bind(host.backplane);
    new Gauge({
      name: 'switchboard_backplane_rtt_seconds',
      help: 'Seconds one backplane command took there and back, measured at this scrape; NaN while it is down',
      registers,
      async collect() {
        this.set(await ping().catch(() => Number.NaN));
      },
    });
  }
  return registry;
}

/** GET /metrics, in the Prometheus text format, to serve on the host's own port. */
export function metricsRoute(registry: Registry): Routes {
  return async (request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://host').pathname !== '/metrics') return false;
    answer(response, 200, await registry.metrics(), registry.contentType);
    return true;
  };
}

/** Serves GET /metrics alone on `port` (`--metrics-port`), so scrapes need not share the clients' port. */
export async function startMetrics(registry: Registry, port: number, hostname: string): Promise<Server> {
  const route = metricsRoute(registry);
  const server = createServer((request, response) => {
    route(request, response).then(
      (served) => served || answer(response, 404, 'not found: metrics are at GET /metrics'),
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  return server;
}

// web-test-runner plugin: starts reference-server clusters on loopback for browser tests, and works their switches.

import { MemoryBackplane } from '../../server/backplane.ts';
import { Host } from '../../server/host.ts';
import { CONTROL, START, STOP, type ClusterInfo, type ClusterOptions, type ControlRequest } from './cluster-commands.ts';

/** The part of web-test-runner's TestRunnerPlugin this plugin fills in. */
export interface ClusterPlugin {
  name: string;
  executeCommand(args: { command: string; payload?: unknown }): Promise<unknown> | undefined;
  serverStop(): Promise<void>;
}

export function clusterPlugin(): ClusterPlugin {
  const clusters = new Map<number, Host[]>();
  let next = 1;

  async function start(options: ClusterOptions = {}): Promise<ClusterInfo> {
    const backplane = new MemoryBackplane({ historyLimit: options.historyLimit ?? 1000 });
    const hosts = Array.from({ length: options.hosts ?? 1 }, (_, i) => new Host({ ...options, name: `h${i}`, backplane }));
    await Promise.all(hosts.map((host) => host.listen()));
    const id = next++;
    clusters.set(id, hosts);
    return { id, hosts: hosts.map((host) => host.url), names: hosts.map((host) => host.name) };
  }

  async function control(request: ControlRequest): Promise<unknown> {
    const host = clusters.get(request.id)?.[request.host];
    if (!host) throw new Error(`cluster ${request.id} has no host ${request.host}`);
    switch (request.action) {
      case 'kill':
        return host.kill();
      case 'blackhole':
        return host.blackhole();
      case 'drain':
        return host.drain();
      case 'restart':
        return host.restart();
      case 'endSessions':
        return host.endSessions();
      case 'disconnect':
        return host.disconnect(request.reason);
      case 'publish':
        return (await host.publish(request.topic, request.data)).seq;
      case 'inject':
        return host.inject(request.text);
      case 'refuse':
        return host.refuse(request.types);
      case 'counts':
        return host.counts();
      case 'state':
        return host.state;
    }
  }

  async function stop(id: number): Promise<void> {
    const hosts = clusters.get(id) ?? [];
    clusters.delete(id);
    await Promise.all(hosts.map((host) => host.close()));
  }

  return {
    name: 'switchboard-cluster',
    // web-test-runner takes undefined or null as "not my command", so every answer here is a value.
    executeCommand({ command, payload }) {
      if (command === START) return start(payload as ClusterOptions | undefined);
      if (command === CONTROL) return control(payload as ControlRequest).then((result) => result ?? true);
      if (command === STOP) return stop((payload as { id: number }).id).then(() => true);
      return undefined;
    },
    async serverStop() {
      await Promise.all([...clusters.keys()].map(stop));
    },
  };
}

// The failover loop end to end: real transports, real reference hosts on loopback, real IndexedDB, real time.

import { expect } from '@esm-bundle/chai';
import { realClock } from '../../shared/clock.ts';
import { parseConfig, type SwitchboardConfig } from '../../shared/config.ts';
import type { FailoverEvents } from '../../shared/state.ts';
import { idbExpiryStore } from '../../worker/expiry.ts';
import { Failover } from '../../worker/failover.ts';
import { transports } from '../../worker/transports/index.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { until } from '../support/until.ts';

/** A loop on the real world; `lines` reads its events as "name host type". */
function realLoop(config: SwitchboardConfig) {
  const events: [keyof FailoverEvents, Record<string, unknown>][] = [];
  const loop = new Failover(
    parseConfig(config),
    {
      clock: realClock,
      random: Math.random,
      transport: (request, listener) => transports[request.type](request, listener),
      expiries: idbExpiryStore(`failover-e2e-${crypto.randomUUID()}`, (warning) => expect.fail(warning), realClock),
    },
    {
      event: (name, detail) => name !== 'state' && events.push([name, detail as Record<string, unknown>]),
      frame: () => undefined,
      protocolError: () => undefined,
    },
  );
  const lines = () => events.map(([name, d]) => [name, d.host ?? '', d.type ?? ''].join(' ').trim());
  return { loop, events, lines };
}

describe('failover end to end', () => {
  let cluster: Cluster;
  afterEach(() => cluster?.stop());

  it('seed, Flowplayer: [bad1, bad2, good] reaches good after connect / connectFailed for the first two', async () => {
    cluster = await startCluster({ hosts: 3 });
    await cluster.kill(0);
    await cluster.kill(1);
    const [bad1, bad2, good] = cluster.hosts as [string, string, string];
    const { loop, events } = realLoop({ hosts: [bad1, bad2, good], types: ['http'] });
    loop.start();
    await until('connected', () => events.some(([name]) => name === 'connected'));
    loop.close();
    expect(events.map(([name, { host, index, type }]) => [name, host, index, type])).to.deep.equal([
      ['connect', bad1, 0, 'http'],
      ['connectFailed', bad1, 0, 'http'],
      ['connect', bad2, 1, 'http'],
      ['connectFailed', bad2, 1, 'http'],
      ['connect', good, 2, 'http'],
      ['connected', good, 2, 'http'],
    ]);
  });

  it('all hosts down, connectCount 3: exactly 3 rounds, then one failed', async () => {
    cluster = await startCluster({ hosts: 2 });
    await cluster.kill(0);
    await cluster.kill(1);
    const { loop, lines } = realLoop({
      hosts: cluster.hosts,
      types: ['ws'],
      failureExpiry: 0,
      reconnectDelay: 50,
      maxReconnectDelay: 100,
    });
    loop.start();
    await until('failed', () => lines().includes('failed'));
    loop.close();
    expect(lines().filter((line) => line.startsWith('connect '))).to.have.length(6);
    expect(lines().at(-1)).to.equal('failed');
  });

  it('a blackholed host is abandoned at connectTimeout and the next host is reached', async () => {
    cluster = await startCluster({ hosts: 2 });
    await cluster.blackhole(0);
    // connectTimeout also bounds the good host's handshake: long enough for a loaded machine.
    const { loop, events, lines } = realLoop({ hosts: cluster.hosts, types: ['ws'], connectTimeout: 1000 });
    loop.start();
    await until('connected', () => events.some(([name]) => name === 'connected'), 10_000);
    loop.close();
    expect(events[1]).to.deep.equal([
      'connectFailed',
      { host: cluster.hosts[0], index: 0, type: 'ws', reason: 'connect timeout after 1000 ms' },
    ]);
    expect(lines().slice(2)).to.deep.equal([`connect ${cluster.hosts[1]} ws`, `connected ${cluster.hosts[1]} ws`]);
  });

  // Each type the host refuses is tried and left for the next, in the config's order (ws, http, poll by default).
  for (const { refused, reached } of [
    { refused: [], reached: 'ws' },
    { refused: ['ws'], reached: 'http' },
    { refused: ['ws', 'http'], reached: 'poll' },
  ] as const) {
    it(`falls back through the types of a host that refuses ${refused.join(' and ') || 'none'}: reached over ${reached}`, async () => {
      cluster = await startCluster({ hosts: 1 });
      if (refused.length > 0) await cluster.refuse(0, [...refused]);
      const { loop, events, lines } = realLoop({ hosts: cluster.hosts });
      loop.start();
      try {
        await until('connected', () => events.some(([name]) => name === 'connected'));
        const host = cluster.hosts[0];
        expect(lines().filter((line) => !line.startsWith('connectFailed'))).to.deep.equal([
          ...[...refused, reached].map((type) => `connect ${host} ${type}`),
          `connected ${host} ${reached}`,
        ]);
        expect((await cluster.counts(0)).connections, "the host's one live connection").to.deep.equal({
          ws: 0,
          http: 0,
          poll: 0,
          [reached]: 1,
        });
      } finally {
        loop.close();
      }
    });
  }
});

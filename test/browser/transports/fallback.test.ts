// Type fallback: a host that refuses ws is reached over http, and one that refuses ws and http over poll.

import { expect } from '@esm-bundle/chai';
import type { TransportType } from '../../../shared/protocol.ts';
import type { Connection } from '../../../worker/transport.ts';
import { type Cluster, startCluster } from '../../support/cluster.ts';
import { open } from '../../support/recorder.ts';

/** The types in order until one reaches welcome, as the failover loop tries them. */
async function firstThatConnects(
  url: string,
): Promise<{ type: TransportType; connection: Connection; failures: string[] }> {
  const failures: string[] = [];
  for (const type of ['ws', 'http', 'poll'] as const) {
    try {
      const { connection } = await open(type, url, AbortSignal.timeout(2000));
      return { type, connection, failures };
    } catch (error) {
      failures.push(`${type}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no type connected: ${failures.join('; ')}`);
}

describe('falling back to the next connection type', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await startCluster({ hosts: 1 });
  });
  afterEach(() => cluster.stop());

  it('a host that serves everything is reached over ws', async () => {
    const { type, connection } = await firstThatConnects(cluster.hosts[0]!);
    connection.close();
    expect(type).to.equal('ws');
  });

  it('a host refusing /ws is reached over http', async () => {
    await cluster.refuse(0, ['ws']);
    const { type, connection, failures } = await firstThatConnects(cluster.hosts[0]!);
    expect(type).to.equal('http');
    expect(failures).to.deep.equal(['ws: WebSocket refused (1006)']);
    expect((await cluster.counts(0)).connections).to.deep.equal({ ws: 0, http: 1, poll: 0 });
    connection.close();
  });

  it('a host refusing /ws and /stream is reached over poll', async () => {
    await cluster.refuse(0, ['ws', 'http']);
    const { type, connection, failures } = await firstThatConnects(cluster.hosts[0]!);
    expect(type).to.equal('poll');
    expect(failures).to.deep.equal([
      'ws: WebSocket refused (1006)',
      'http: HTTP 404 on /stream: this host does not serve http streaming',
    ]);
    expect((await cluster.counts(0)).connections).to.deep.equal({ ws: 0, http: 0, poll: 1 });
    connection.close();
  });
});

// Liveness on real hosts and timers: pings keep a healthy connection open; a host blackholed after welcome is found dead.

import { expect } from '@esm-bundle/chai';
import { type Cluster, startCluster } from '../../support/cluster.ts';
import { open } from '../../support/recorder.ts';

/**
 * H for the healthy connection: long beside how late timers run in a busy browser (Firefox throttles
 * a background page's), so a late ping or watch timer is never taken for 2 × H of silence.
 */
const HEALTHY_H = 1000;
/** H for the blackholed host: short, so death is found quickly; a false death would end the same way. */
const BLACKHOLE_H = 300;

/** A one-host cluster with this heartbeat for each test of the enclosing describe. */
function useCluster(heartbeat: number): () => Cluster {
  let cluster: Cluster | undefined;
  beforeEach(async () => {
    cluster = await startCluster({ hosts: 1, heartbeat });
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  return () => cluster!;
}

for (const type of ['ws', 'http', 'poll'] as const) {
  describe(`heartbeat over ${type}`, () => {
    describe('a healthy host', () => {
      const cluster = useCluster(HEALTHY_H);

      it('the connection stays open through five heartbeats, and pings are answered', async () => {
        const { connection, recorder } = await open(type, cluster().hosts[0]!);
        expect(connection.welcome.heartbeat).to.equal(HEALTHY_H);
        await new Promise((resolve) => setTimeout(resolve, 5.5 * HEALTHY_H));
        expect(recorder.closedWith).to.deep.equal([]);
        expect(recorder.frames.filter((frame) => frame.op === 'pong').length).to.be.at.least(3);
        connection.close();
      });
    });

    describe('a host blackholed after welcome', () => {
      const cluster = useCluster(BLACKHOLE_H);

      it('the connection is closed with "heartbeat timeout"', async () => {
        const { recorder } = await open(type, cluster().hosts[0]!);
        const blackholed = performance.now();
        await cluster().blackhole(0);
        const reason = await recorder.ended;
        expect(reason).to.equal('heartbeat timeout');
        // 2 × H after the last arrival, which came before the blackhole; the bound is generous for a busy machine.
        expect(performance.now() - blackholed).to.be.below(2 * BLACKHOLE_H + 3000);
      });
    });
  });
}

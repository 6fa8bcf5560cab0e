// Liveness: pings keep a healthy connection open; a host blackholed after welcome is found dead within 2 × H.

import { expect } from '@esm-bundle/chai';
import { startCluster, type Cluster } from '../../support/cluster.ts';
import { open } from '../../support/recorder.ts';

const H = 300;

for (const type of ['ws', 'http', 'poll'] as const) {
  describe(`heartbeat over ${type}`, () => {
    let cluster: Cluster;
    beforeEach(async () => {
      cluster = await startCluster({ hosts: 1, heartbeat: H });
    });
    afterEach(() => cluster.stop());

    it('a healthy connection stays open through many heartbeats, and pings are answered', async () => {
      const { connection, recorder } = await open(type, cluster.hosts[0]!);
      expect(connection.welcome.heartbeat).to.equal(H);
      await new Promise((resolve) => setTimeout(resolve, 6 * H));
      expect(recorder.closedWith).to.deep.equal([]);
      expect(recorder.frames.filter((frame) => frame.op === 'pong').length).to.be.at.least(3);
      connection.close();
    });

    it('a host blackholed after welcome: closed with "heartbeat timeout"', async () => {
      const { recorder } = await open(type, cluster.hosts[0]!);
      const blackholed = performance.now();
      await cluster.blackhole(0);
      const reason = await recorder.ended;
      expect(reason).to.equal('heartbeat timeout');
      // 2 × H after the last arrival, which came before the blackhole; the bound is generous for a busy machine.
      expect(performance.now() - blackholed).to.be.below(2 * H + 2000);
    });
  });
}

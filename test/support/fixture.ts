// A describe block's cluster and tabs, closed after each test.

import type { ConnectOptions } from '../../src/index.ts';
import { type Cluster, type ClusterOptions, startCluster } from './cluster.ts';
import { openTabsOn, type TestTab } from './tabs.ts';

export interface Fixture {
  /** Starts this test's cluster; stopped after the test. */
  cluster(options: ClusterOptions): Promise<Cluster>;
  /** Opens `n` tabs on this test's cluster that subscribe to `topic` (see openTabsOn); closed after the test. */
  tabsOn(n: number, options: ConnectOptions, topic: string): Promise<TestTab[]>;
}

export function clusterWithTabs(): Fixture {
  let cluster: Cluster | undefined;
  const tabs: TestTab[] = [];
  afterEach(async () => {
    await Promise.all(tabs.splice(0).map((tab) => tab.close()));
    await cluster?.stop();
    cluster = undefined;
  });
  return {
    cluster: async (options) => (cluster = await startCluster(options)),
    async tabsOn(n, options, topic) {
      if (!cluster) throw new Error('tabsOn: start the cluster first');
      const opened = await openTabsOn(cluster, n, options, topic);
      tabs.push(...opened);
      return opened;
    },
  };
}

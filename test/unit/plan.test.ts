// The try order: StreamLink's balance of two ordered groups, Flowplayer's flat list, load balancing on and off.

import { expect } from '@esm-bundle/chai';
import { parseConfig } from '../../shared/config.ts';
import { drawPlan, startAfter } from '../../worker/plan.ts';
import { seededRandom } from '../support/random.ts';

const seedExample = parseConfig({
  servers: [
    ['rttp://primary1', 'rttp://backup1'],
    ['rttp://primary2', 'rttp://backup2'],
  ],
});
const names = (plan: { host: string }[]) => plan.map((h) => h.host.replace('rttp://', '')).join(' > ');

describe('plan', () => {
  it('tries the seed example in one of its two sequences, each about half the time', () => {
    const random = seededRandom(2026);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const order = names(drawPlan(seedExample.plan, true, random));
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).to.deep.equal([
      'primary1 > backup1 > primary2 > backup2',
      'primary2 > backup2 > primary1 > backup1',
    ]);
    for (const count of counts.values()) expect(count / 10_000).to.be.within(0.47, 0.53);
  });

  it('keeps the declared order with load balancing off', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 20; i++) {
      expect(names(drawPlan(seedExample.plan, false, random))).to.equal('primary1 > backup1 > primary2 > backup2');
    }
  });

  it('keeps a Flowplayer list in order unless loadBalance, and shuffles all of it with it', () => {
    const hosts = parseConfig({ hosts: ['http://a', 'http://b', 'http://c'] });
    expect(drawPlan(hosts.plan, hosts.loadBalance, seededRandom(3)).map((h) => h.index)).to.deep.equal([0, 1, 2]);
    const random = seededRandom(4);
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) firsts.add(drawPlan(hosts.plan, true, random)[0]!.index);
    expect([...firsts].sort()).to.deep.equal([0, 1, 2]);
  });

  it('starts after a host that dropped and tries it last', () => {
    const plan = drawPlan(seedExample.plan, false, Math.random);
    expect(names(startAfter(plan, plan[0]!))).to.equal('backup1 > primary2 > backup2 > primary1');
    expect(names(startAfter(plan, plan[3]!))).to.equal('primary1 > backup1 > primary2 > backup2');
  });
});

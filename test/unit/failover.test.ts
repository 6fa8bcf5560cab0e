// The failover loop on a fake clock and transport: the seed scenarios, timeouts, expiry, backoff and close.

import { expect } from '@esm-bundle/chai';
import { parseConfig, type SwitchboardConfig } from '../../shared/config.ts';
import type { ServerFrame } from '../../shared/protocol.ts';
import type { FailoverEvents } from '../../shared/state.ts';
import { type ExpiryStore, memoryExpiryStore } from '../../worker/expiry.ts';
import { Failover, type FailoverWorld } from '../../worker/failover.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';
import { FakeTransport, type HostBehaviour } from '../support/fake-transport.ts';
import { seededRandom } from '../support/random.ts';

type Event = { [K in keyof FailoverEvents]: [K, FailoverEvents[K]] }[keyof FailoverEvents];

/** A loop in a fake world, with every event but 'state' recorded in order. */
function setup(
  config: SwitchboardConfig,
  behaviour: (url: string, type: string) => HostBehaviour,
  world: Partial<FailoverWorld> = {},
) {
  const clock = new FakeClock();
  const transport = new FakeTransport(behaviour);
  const expiries: ExpiryStore = world.expiries ?? memoryExpiryStore();
  const events: Event[] = [];
  /** How long each wait between rounds lasts, as the loop announced it. */
  const waits: number[] = [];
  const frames: ServerFrame[] = [];
  const loop = new Failover(
    parseConfig(config),
    { clock, random: seededRandom(7), transport: transport.open, expiries, ...world },
    {
      event: (name, detail) => {
        if (name !== 'state') events.push([name, detail] as Event);
        else {
          const state = detail as FailoverEvents['state'];
          if (state.status === 'waiting' && state.nextRound !== undefined) waits.push(state.nextRound - clock.now());
        }
      },
      frame: (frame) => frames.push(frame),
      protocolError: () => undefined,
    },
  );
  /** The events so far as "name host type" lines, for reading sequences at a glance. */
  const lines = () =>
    events.map(([name, d]) => [name, 'host' in d ? d.host : '', 'type' in d ? d.type : ''].join(' ').trim());
  return { clock, transport, expiries, events, waits, frames, loop, lines };
}

const down =
  (...bad: string[]) =>
  (url: string): HostBehaviour =>
    bad.some((b) => url.startsWith(b)) ? 'refuse' : 'accept';

describe('failover', () => {
  it('seed, Flowplayer: hosts [bad1, bad2, good] connect to good after two failures, with exact payloads', async () => {
    const { loop, events, clock } = setup(
      { hosts: ['http://bad1.test/video', 'http://bad2.test/video', 'http://good.test/video'], types: ['http'] },
      down('http://bad1', 'http://bad2'),
    );
    loop.start();
    await clock.advance(0);
    expect(events).to.deep.equal([
      ['connect', { host: 'http://bad1.test/video', index: 0, type: 'http' }],
      [
        'connectFailed',
        { host: 'http://bad1.test/video', index: 0, type: 'http', reason: 'refused by http://bad1.test/video' },
      ],
      ['connect', { host: 'http://bad2.test/video', index: 1, type: 'http' }],
      [
        'connectFailed',
        { host: 'http://bad2.test/video', index: 1, type: 'http', reason: 'refused by http://bad2.test/video' },
      ],
      ['connect', { host: 'http://good.test/video', index: 2, type: 'http' }],
      ['connected', { host: 'http://good.test/video', index: 2, type: 'http' }],
    ]);
    expect(loop.state).to.deep.include({ status: 'connected', round: 0, failed: false });
    loop.close();
  });

  it("tries each host's types in order before moving to the next host", async () => {
    const { loop, lines, clock } = setup(
      { hosts: ['http://a.test', { url: 'http://b.test', types: ['poll', 'ws'] }] },
      (url, type) => (url === 'http://b.test' && type === 'ws' ? 'accept' : 'refuse'),
    );
    loop.start();
    await clock.advance(0);
    expect(lines()).to.deep.equal([
      'connect http://a.test ws',
      'connectFailed http://a.test ws',
      'connect http://a.test http',
      'connectFailed http://a.test http',
      'connect http://a.test poll',
      'connectFailed http://a.test poll',
      'connect http://b.test poll',
      'connectFailed http://b.test poll',
      'connect http://b.test ws',
      'connected http://b.test ws',
    ]);
    loop.close();
  });

  it('seed, StreamLink: after primary1 drops, fails over backup1 > primary2 > backup2 > primary1', async () => {
    let primary1Up = true;
    const { loop, lines, transport, clock } = setup(
      {
        servers: [
          ['rttp://primary1', 'rttp://backup1'],
          ['rttp://primary2', 'rttp://backup2'],
        ],
        loadBalance: false,
        types: ['ws'],
        failureExpiry: 0,
      },
      (url) => (url === 'http://primary1' && primary1Up ? 'accept' : 'refuse'),
    );
    loop.start();
    await clock.advance(0);
    expect(lines()).to.deep.equal(['connect rttp://primary1 ws', 'connected rttp://primary1 ws']);
    primary1Up = false;
    transport.live!.drop('socket closed');
    await clock.advance(1000);
    expect(
      lines()
        .slice(2)
        .filter((l) => !l.startsWith('connectFailed')),
    ).to.deep.equal([
      'disconnected rttp://primary1',
      'connect rttp://backup1 ws',
      'connect rttp://primary2 ws',
      'connect rttp://backup2 ws',
      'connect rttp://primary1 ws',
    ]);
    loop.close();
  });

  it('all hosts bad, connectCount 3: exactly 3 rounds, then one failed, then keeps trying at the slowest pace', async () => {
    const { loop, lines, events, waits, clock } = setup(
      { hosts: ['http://a.test', 'http://b.test'], types: ['ws'] },
      () => 'refuse',
    );
    const rounds = () => lines().filter((l) => l === 'connect http://a.test ws').length;
    loop.start();
    await clock.advance(10_000);
    expect(rounds()).to.equal(3);
    expect(events.filter(([name]) => name === 'failed')).to.deep.equal([['failed', { rounds: 3 }]]);
    expect(lines().at(-1)).to.equal('failed');
    expect(loop.state).to.deep.include({ status: 'waiting', round: 3, failed: true });

    expect(waits.at(-1), 'after failed: maxReconnectDelay').to.equal(30_000);
    await clock.advance(loop.state.nextRound! - clock.now() - 1);
    expect(rounds(), 'no round before maxReconnectDelay').to.equal(3);
    await clock.advance(1);
    expect(rounds()).to.equal(4);
    await clock.advance(60_000);
    expect(rounds()).to.equal(6);
    expect(events.filter(([name]) => name === 'failed')).to.have.length(1);
    loop.close();
  });

  it('waits reconnectDelay after the first failed round, then a doubling, jittered delay capped at maxReconnectDelay', async () => {
    const { loop, waits, clock } = setup(
      {
        hosts: ['http://a.test'],
        types: ['ws'],
        failureExpiry: 0,
        reconnectDelay: 1000,
        maxReconnectDelay: 4000,
        connectCount: 10,
      },
      () => 'refuse',
    );
    loop.start();
    await clock.advance(40_000);
    expect(waits.length).to.be.greaterThan(9);
    expect(waits[0]).to.equal(1000);
    expect(
      waits.slice(1, 9).every((ms, i) => ms >= 1000 && ms <= Math.min(4000, 1000 * 2 ** (i + 1))),
      waits.join(),
    ).to.equal(true);
    expect(new Set(waits.slice(1, 9)).size, 'jittered, not fixed').to.be.greaterThan(1);
    expect(
      waits.slice(9).every((ms) => ms === 4000),
      'after connectCount rounds: the slowest pace',
    ).to.equal(true);
    loop.close();
  });

  it('abandons a transport that never answers at connectTimeout, and aborts it', async () => {
    const { loop, lines, events, transport, clock } = setup(
      { hosts: ['http://slow.test', 'http://ok.test'], types: ['ws'], connectTimeout: 2000 },
      (url) => (url === 'http://slow.test' ? 'hang' : 'accept'),
    );
    loop.start();
    await clock.advance(1999);
    expect(lines()).to.deep.equal(['connect http://slow.test ws']);
    expect(transport.requests[0]!.signal.aborted).to.equal(false);
    await clock.advance(1);
    expect(events[1]).to.deep.equal([
      'connectFailed',
      { host: 'http://slow.test', index: 0, type: 'ws', reason: 'connect timeout after 2000 ms' },
    ]);
    expect(transport.requests[0]!.signal.aborted).to.equal(true);
    expect(lines().slice(2)).to.deep.equal(['connect http://ok.test ws', 'connected http://ok.test ws']);
    loop.close();
  });

  it('skips a host within its failure expiry and tries it again after', async () => {
    let aUp = false;
    const { loop, lines, expiries, clock, transport } = setup(
      { hosts: ['http://a.test', 'http://b.test'], types: ['ws'], failureExpiry: 5000, reconnectDelay: 0 },
      (url) => (url === 'http://b.test' || aUp ? 'accept' : 'refuse'),
    );
    loop.start();
    await clock.advance(0);
    expect(await expiries.until('http://a.test')).to.equal(clock.now() + 5000);
    aUp = true;
    transport.live!.drop('gone');
    await clock.advance(0);
    expect(lines().slice(-2), 'a is skipped: b is tried again').to.deep.equal([
      'connect http://b.test ws',
      'connected http://b.test ws',
    ]);
    await clock.advance(5000);
    transport.live!.drop('gone again');
    await clock.advance(0);
    expect(lines().slice(-2)).to.deep.equal(['connect http://a.test ws', 'connected http://a.test ws']);
    loop.close();
  });

  it('waits for the earliest expiry when every host is skipped, with no busy loop', async () => {
    const { loop, lines, clock } = setup(
      {
        hosts: ['http://a.test', 'http://b.test'],
        types: ['ws'],
        failureExpiry: 20_000,
        reconnectDelay: 100,
        maxReconnectDelay: 100,
      },
      () => 'refuse',
    );
    loop.start();
    await clock.advance(0);
    expect(lines()).to.have.length(4);
    await clock.advance(19_999);
    expect(lines(), 'nothing happens while both hosts are within their expiry').to.have.length(4);
    expect(loop.state.status).to.equal('waiting');
    expect(loop.state.nextRound).to.equal(1_000_000 + 20_000);
    await clock.advance(1);
    expect(lines().slice(4)).to.deep.equal([
      'connect http://a.test ws',
      'connectFailed http://a.test ws',
      'connect http://b.test ws',
      'connectFailed http://b.test ws',
    ]);
    loop.close();
  });

  it('reconnect() and the browser coming online start a round at once', async () => {
    let online: () => void = () => undefined;
    const { loop, lines, clock } = setup(
      { hosts: ['http://a.test'], types: ['ws'], failureExpiry: 0, connectCount: 1, maxReconnectDelay: 60_000 },
      () => 'refuse',
      {
        online: (listener) => {
          online = listener;
          return () => {
            online = () => undefined;
          };
        },
      },
    );
    loop.start();
    await clock.advance(0);
    expect(lines()).to.deep.equal(['connect http://a.test ws', 'connectFailed http://a.test ws', 'failed']);
    loop.reconnect();
    await clock.advance(0);
    expect(lines().slice(3)).to.deep.equal(['connect http://a.test ws', 'connectFailed http://a.test ws', 'failed']);
    online();
    await clock.advance(0);
    expect(lines()).to.have.length(9);
    loop.close();
    online();
    await clock.advance(0);
    expect(lines(), 'closed: online no longer wakes it').to.have.length(9);
  });

  it('a drained host is dropped, gets its failure expiry, and the loop moves on at once', async () => {
    const { loop, lines, expiries, clock } = setup(
      { hosts: ['http://a.test', 'http://b.test'], types: ['ws'], failureExpiry: 3000, reconnectDelay: 0 },
      () => 'accept',
    );
    loop.start();
    await clock.advance(0);
    loop.drop('drain', true);
    await clock.advance(0);
    expect(lines()).to.deep.equal([
      'connect http://a.test ws',
      'connected http://a.test ws',
      'disconnected http://a.test',
      'connect http://b.test ws',
      'connected http://b.test ws',
    ]);
    expect(await expiries.until('http://a.test')).to.equal(clock.now() + 3000);
    loop.close();
  });

  it('a drain frame from the connected host drops it with its failure expiry, and is not passed on', async () => {
    const { loop, lines, events, frames, expiries, transport, clock } = setup(
      { hosts: ['http://a.test', 'http://b.test'], types: ['ws'], failureExpiry: 3000, reconnectDelay: 0 },
      () => 'accept',
    );
    loop.start();
    await clock.advance(0);
    transport.live!.push({ op: 'drain' });
    await clock.advance(0);
    expect(lines()).to.deep.equal([
      'connect http://a.test ws',
      'connected http://a.test ws',
      'disconnected http://a.test',
      'connect http://b.test ws',
      'connected http://b.test ws',
    ]);
    expect(events.find(([name]) => name === 'disconnected')?.[1]).to.deep.equal({
      host: 'http://a.test',
      index: 0,
      reason: 'drain',
    });
    expect(frames).to.deep.equal([]);
    expect(await expiries.until('http://a.test')).to.equal(clock.now() + 3000);
    loop.close();
  });

  it('passes frames from the connected host through, and sends on it', async () => {
    const { loop, frames, transport, clock } = setup({ hosts: ['http://a.test'], types: ['ws'] }, () => 'accept');
    expect(loop.send({ op: 'ping', t: 1 }), 'no connection yet').to.equal(false);
    loop.start();
    await clock.advance(0);
    transport.live!.push({ op: 'pong', t: 1 });
    expect(loop.send({ op: 'sub', topic: 'ticks' })).to.equal(true);
    expect(frames).to.deep.equal([{ op: 'pong', t: 1 }]);
    expect(transport.live!.sent).to.deep.equal([{ op: 'sub', topic: 'ticks' }]);
    loop.close();
  });

  it('setLoadBalancing redraws the plan; off keeps the declared order', async () => {
    const { loop } = setup(
      {
        servers: [
          ['rttp://p1', 'rttp://b1'],
          ['rttp://p2', 'rttp://b2'],
        ],
        loadBalance: false,
      },
      () => 'accept',
    );
    expect(loop.state.plan.map((h) => h.index)).to.deep.equal([0, 1, 2, 3]);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      loop.setLoadBalancing(true);
      seen.add(loop.state.plan.map((h) => h.index).join());
    }
    expect([...seen].sort()).to.deep.equal(['0,1,2,3', '2,3,0,1']);
    loop.setLoadBalancing(false);
    expect(loop.state.plan.map((h) => h.index)).to.deep.equal([0, 1, 2, 3]);
  });

  it('close() leaves no timer, socket or attempt behind, in every phase', async () => {
    for (const phase of ['connecting', 'connected', 'waiting'] as const) {
      const behaviour: HostBehaviour = phase === 'connecting' ? 'hang' : phase === 'connected' ? 'accept' : 'refuse';
      const { loop, transport, clock, events } = setup({ hosts: ['http://a.test'], types: ['ws'] }, () => behaviour);
      loop.start();
      await clock.advance(0);
      expect(loop.state.status).to.equal(phase);
      const before = events.length;
      loop.close();
      await settle();
      expect(clock.pending, `timers left after close while ${phase}`).to.equal(0);
      if (phase === 'connecting')
        expect(transport.requests[0]!.signal.aborted, 'the attempt is aborted').to.equal(true);
      expect(
        transport.connections.every((c) => c.closed),
        'every connection closed',
      ).to.equal(true);
      await clock.advance(120_000);
      expect(events.length, 'no event after close').to.equal(before);
      expect(loop.state.status).to.equal('closed');
    }
  });

  it('reconnect() on a loop that has not started starts it once', async () => {
    const { loop, lines, clock } = setup({ hosts: ['http://a.test'], types: ['ws'] }, () => 'accept');
    loop.reconnect();
    loop.reconnect();
    await clock.advance(0);
    expect(lines()).to.deep.equal(['connect http://a.test ws', 'connected http://a.test ws']);
    loop.close();
  });
});

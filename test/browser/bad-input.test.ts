// Bad input from every side: fuzzed configs, malformed frames from a server, misuse from pages. Nothing hangs or dies.

import { expect } from '@esm-bundle/chai';
import { ConfigError, parseConfig } from '../../shared/config.ts';
import { type Board, type BoardEvents, connect, type SwitchboardConfig } from '../../src/index.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { testOptions } from '../support/options.ts';
import { seededRandom } from '../support/random.ts';
import { until } from '../support/until.ts';

const SEED = Number(new URLSearchParams(location.search).get('seed') ?? 20261123);

/** A random value of a random shape, biased towards what configs are made of. */
function randomValue(random: () => number, depth = 0): unknown {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const shapes = [
    () => pick(['http://a.test', 'rttp://b.test:8080/x', 'ws://c', '', 'not a url', 'rttps://d', 'http://a.test/']),
    () => pick([0, -1, 1.5, NaN, Infinity, 2000, 1e12, -0]),
    () => pick([true, false, null, undefined]),
    () => pick(['ws', 'http', 'poll', 'rttp', 'wss', 'balance', 'ordered']),
    () => (depth > 3 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1))),
    () => {
      if (depth > 3) return {};
      const keys = [
        'servers',
        'hosts',
        'url',
        'host',
        'types',
        'balance',
        'ordered',
        'connectTimeout',
        'loadBalance',
        'x',
        '__proto__',
      ];
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [pick(keys), randomValue(random, depth + 1)]),
      );
    },
  ];
  return pick(shapes)();
}

/** A valid config with one part replaced by a random value. */
function mutatedConfig(random: () => number): unknown {
  const config: Record<string, unknown> = {
    servers: [['http://p1.test', { url: 'http://b1.test', types: ['ws', 'poll'] }], ['http://p2.test']],
    connectTimeout: 500,
  };
  const paths: ((value: unknown) => void)[] = [
    (v) => (config.servers = v),
    (v) => ((config.servers as unknown[])[0] = v),
    (v) => (((config.servers as unknown[][])[0]![1] as Record<string, unknown>).types = v),
    (v) => (((config.servers as unknown[][])[0]![1] as Record<string, unknown>).url = v),
    (v) => (config.connectTimeout = v),
    (v) => (config.hosts = v),
    (v) => (config[String(v)] = 1),
  ];
  paths[Math.floor(random() * paths.length)]!(randomValue(random));
  return config;
}

describe('bad input', () => {
  it(`config fuzzing (seed ${SEED}): every config is either valid or a ConfigError naming a path`, () => {
    const random = seededRandom(SEED);
    let valid = 0;
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const config = i % 2 ? randomValue(random) : mutatedConfig(random);
      try {
        const settings = parseConfig(config);
        expect(settings.hosts.length, `a valid config has hosts (seed ${SEED}, case ${i})`).to.be.greaterThan(0);
        valid++;
      } catch (error) {
        if (!(error instanceof ConfigError))
          throw new Error(`case ${i} (seed ${SEED}) threw ${String(error)} for ${JSON.stringify(config)}`);
        expect(error.message.startsWith(`${error.path}: `)).to.equal(true);
        refused++;
      }
    }
    expect(valid, 'the fuzzer also makes valid configs').to.be.greaterThan(50);
    expect(refused).to.be.greaterThan(1000);
  });

  describe('from a server and from pages', () => {
    let cluster: Cluster;
    let board: Board;
    afterEach(async () => {
      board?.close();
      await cluster?.stop();
    });

    /** subscribe() resolves once the worker holds the topic; the host hears of it once connected. */
    const subscribedUpstream = (topic: string) =>
      until(`the host to hold ${topic}`, async () => (await cluster.counts(0)).subscribers[topic] === 1);

    async function connected(
      config: Partial<SwitchboardConfig> = {},
    ): Promise<{ board: Board; errors: { what: string; reason: string }[] }> {
      cluster = await startCluster({ hosts: 1 });
      board = await connect(testOptions({ hosts: cluster.hosts, types: ['ws'], ...config }));
      const errors: { what: string; reason: string }[] = [];
      board.on('error', (detail) => errors.push(detail));
      return { board, errors };
    }

    it('malformed frames are reported as errors, and the stream goes on', async () => {
      const { board, errors } = await connected();
      const seqs: number[] = [];
      await board.subscribe('t', (_, { seq }) => seqs.push(seq));
      await subscribedUpstream('t');
      const bad = [
        '{"op":"msg","topic":"t"',
        '[1,2,3]',
        '"just a string"',
        '{"op":"teleport"}',
        '{"op":"msg","topic":"t","seq":"one","data":1}',
        '{"op":"ack"}',
        'x'.repeat(5000),
        `{"op":"msg","topic":"t","seq":${'9'.repeat(2_000_000)}}`,
      ];
      for (const text of bad) await cluster.inject(0, text);
      await cluster.publish('t', 'after');
      await until('the message after the bad frames', () => seqs.length === 1);
      await until('every bad frame reported', () => errors.length >= bad.length);
      expect(errors.map((e) => e.what)).to.include.members(['teleport', 'msg', 'ack']);
      expect(errors.every((e) => e.what.length <= 200 && e.reason.length > 0)).to.equal(true);
      expect((await board.state()).status).to.equal('connected');
    });

    it('a host whose welcome asks for a heartbeat of 2^31 ms is skipped, and the board connects to the next', async () => {
      cluster = await startCluster({ hosts: 1 });
      const hostile = await startCluster({ hosts: 1, heartbeat: 2 ** 31 });
      try {
        const hosts = [hostile.hosts[0]!, cluster.hosts[0]!];
        board = await connect(testOptions({ hosts, types: ['ws'] }));
        const failed: BoardEvents['connectFailed'][] = [];
        const connected: BoardEvents['connected'][] = [];
        board.on('connectFailed', (detail) => failed.push(detail));
        board.on('connected', (detail) => connected.push(detail));
        await board.subscribe('t', () => undefined);
        await until('the board to connect', () => connected.length === 1);
        expect(connected[0]).to.include({ host: hosts[1], index: 1 });
        expect(failed.map(({ host, reason }) => ({ host, reason }))).to.deep.equal([
          { host: hosts[0], reason: 'welcome: heartbeat must be 100 to 300000 ms, got 2147483648' },
        ]);
        expect((await board.state()).status).to.equal('connected');
      } finally {
        await hostile.stop();
      }
    });

    it('a flood of bad frames leaves the worker alive and answering', async () => {
      const { board, errors } = await connected();
      const seqs: number[] = [];
      await board.subscribe('t', (_, { seq }) => seqs.push(seq));
      await subscribedUpstream('t');
      await Promise.all(Array.from({ length: 300 }, (_, i) => cluster.inject(0, `{"op":"nonsense${i}"}`)));
      await cluster.publish('t', 'after');
      await until('the message after the flood', () => seqs.length === 1, 10_000);
      await until('the flood reported', () => errors.length === 300, 10_000);
      expect((await board.state()).tabs).to.equal(1);
    });

    it('thousands of subscribes and unsubscribes in a burst leave one clean topic table', async () => {
      const { board } = await connected();
      const unsubscribes = await Promise.all(
        Array.from({ length: 2000 }, (_, i) => board.subscribe(`burst/${i % 100}`, () => undefined)),
      );
      expect((await board.state()).topics).to.have.length(100);
      await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
      const state = await board.state();
      expect(state.topics).to.deep.equal([]);
      await until(
        'the server to hold no subscriber',
        async () => Object.keys((await cluster.counts(0)).subscribers).length === 0,
      );
    });
  });
});

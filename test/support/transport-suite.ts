// The behaviour every connection type shares, run against a real reference-server host by ws, http and poll tests.

import { expect } from '@esm-bundle/chai';
import { realClock } from '../../shared/clock.ts';
import type { TransportType } from '../../shared/protocol.ts';
import { transports } from '../../worker/transports/index.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { open, Recorder } from './recorder.ts';
import { until } from './until.ts';

export function transportSuite(type: TransportType): void {
  describe(`the ${type} transport`, () => {
    let cluster: Cluster;
    const closers: (() => void)[] = [];

    beforeEach(async () => {
      cluster = await startCluster({ hosts: 1, heartbeat: 1000, sessionExpiry: 500 });
    });
    afterEach(async () => {
      for (const close of closers.splice(0)) close();
      await cluster.stop();
    });

    async function connect() {
      const opened = await open(type, cluster.hosts[0]!);
      closers.push(() => opened.connection.close());
      return opened;
    }

    it('resolves on welcome, with the host name, heartbeat and history epoch', async () => {
      const { connection } = await connect();
      const { epoch, ...welcome } = connection.welcome;
      expect(welcome).to.deep.equal({ op: 'welcome', v: 1, server: 'h0', heartbeat: 1000 });
      expect(epoch).to.be.a('string').and.not.equal('');
      expect((await cluster.counts(0)).connections[type]).to.equal(1);
    });

    it('subscribes, and receives messages in seq order', async () => {
      const { connection, recorder } = await connect();
      connection.send({ op: 'sub', topic: 'ticks/EURUSD' });
      const subscribed = await recorder.next('subscribed');
      expect(subscribed).to.deep.equal({
        op: 'subscribed',
        topic: 'ticks/EURUSD',
        seq: 0,
        recovered: true,
        epoch: connection.welcome.epoch,
      });
      for (const price of [1.1, 1.2, 1.3]) await cluster.publish('ticks/EURUSD', { price });
      const frames = [await recorder.next('msg'), await recorder.next('msg'), await recorder.next('msg')];
      expect(frames.map((f) => [f.seq, (f.data as { price: number }).price])).to.deep.equal([
        [1, 1.1],
        [2, 1.2],
        [3, 1.3],
      ]);
    });

    it('replays from a seq after subscribing again', async () => {
      for (let i = 1; i <= 4; i++) await cluster.publish('news', i);
      const { connection, recorder } = await connect();
      connection.send({ op: 'sub', topic: 'news', from: 2 });
      const frames = await recorder.upTo('subscribed');
      expect(frames.map((f) => (f.op === 'msg' ? f.data : f.op))).to.deep.equal([3, 4, 'subscribed']);
    });

    it('pub is acked, and the message reaches a subscriber', async () => {
      const { connection, recorder } = await connect();
      connection.send({ op: 'sub', topic: 'orders' });
      await recorder.next('subscribed');
      connection.send({ op: 'pub', topic: 'orders', data: { qty: 2 }, id: `${type}-order-1` });
      expect(await recorder.next('ack')).to.deep.equal({ op: 'ack', id: `${type}-order-1` });
      expect(await recorder.next('msg')).to.deep.equal({ op: 'msg', topic: 'orders', seq: 1, data: { qty: 2 } });
    });

    it('ping is answered with pong', async () => {
      const { connection, recorder } = await connect();
      connection.send({ op: 'ping', t: 42 });
      expect(await recorder.next('pong')).to.deep.equal({ op: 'pong', t: 42 });
    });

    it('a bad frame from the host is reported by its op, and the connection carries on', async () => {
      const { connection, recorder } = await connect();
      await cluster.inject(0, '{"op":"msg","topic":"t","seq":"one","data":1}');
      await until('the first protocol error', () => recorder.protocolErrors.length === 1);
      await cluster.inject(0, 'not json at all');
      await until('the second protocol error', () => recorder.protocolErrors.length === 2);
      connection.send({ op: 'ping', t: 1 });
      await recorder.next('pong');
      expect(recorder.protocolErrors).to.deep.equal([
        { what: 'msg', reason: 'seq must be an integer of at least 1' },
        // A poll answers one JSON array, so text that is not JSON spoils the whole answer.
        { what: type === 'poll' ? '[not json at all]' : 'not json at all', reason: 'not valid JSON' },
      ]);
      expect(recorder.closedWith).to.deep.equal([]);
    });

    it('a host that closes the connection on purpose: closed with its reason', async () => {
      const { recorder } = await connect();
      await cluster.disconnect(0, 'maintenance window');
      expect(await recorder.ended).to.equal('maintenance window');
    });

    it('a host that restarts (connections reset, sessions forgotten): closed', async () => {
      const { recorder } = await connect();
      await cluster.restart(0);
      // A poll may be between requests when the host goes, and find its session unknown after.
      expect(await recorder.ended).to.match(
        type === 'ws' ? /^WebSocket closed \(1006\)$/ : /^\/(stream|poll) failed|unknown session$/,
      );
      expect(recorder.closedWith).to.have.length(1);
    });

    if (type !== 'ws') {
      it('a host that ended the session: closed', async () => {
        const { recorder } = await connect();
        await cluster.endSessions(0);
        expect(await recorder.ended).to.equal(
          type === 'poll' ? 'HTTP 404 on /poll: unknown session' : 'the host ended the stream',
        );
      });
    }

    it('a host that is down: open rejects with the reason', async () => {
      await cluster.kill(0);
      const attempt = open(type, cluster.hosts[0]!);
      const error = await attempt.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.match(type === 'ws' ? /^WebSocket refused/ : /^\/session failed/);
    });

    it('the abort signal (connectTimeout) rejects at once with its reason', async () => {
      await cluster.blackhole(0);
      const controller = new AbortController();
      const attempt = transports[type](
        { url: cluster.hosts[0]!, type, signal: controller.signal, clock: realClock },
        new Recorder(),
      );
      setTimeout(() => controller.abort(new Error('connectTimeout')), 100);
      const error = await attempt.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.equal('connectTimeout');
    });

    it('close() ends the connection quietly and the host lets go of it', async () => {
      const { connection, recorder } = await connect();
      connection.send({ op: 'sub', topic: 't' });
      await recorder.next('subscribed');
      connection.close();
      // Sessions end at their expiry (500 ms here), WebSockets at once.
      let counts = await cluster.counts(0);
      for (let tries = 0; tries < 40 && counts.connections[type] > 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        counts = await cluster.counts(0);
      }
      expect(counts).to.deep.equal({ connections: { ws: 0, http: 0, poll: 0 }, subscribers: {}, files: 0 });
      expect(recorder.closedWith).to.deep.equal([]);
    });
  });
}

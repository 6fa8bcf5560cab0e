// A connection's handshake, whatever carries it: frames that come before `welcome`.

import { expect } from '@esm-bundle/chai';
import {
  type ClientFrame,
  decode,
  encode,
  MAX_HEARTBEAT,
  MIN_HEARTBEAT,
  type ServerFrame,
} from '../../shared/protocol.ts';
import type { ConnectionListener } from '../../worker/transport.ts';
import { establish } from '../../worker/transports/link.ts';
import { FakeClock } from '../support/fake-clock.ts';

/** Opens a connection on a carrier that answers hello with `answer`, decoded as carriers do; resolves how the attempt ended. */
function handshake(answer: ServerFrame): Promise<string> {
  const errors: string[] = [];
  const listener: ConnectionListener = {
    frame: () => undefined,
    closed: () => undefined,
    protocolError: (what) => errors.push(what),
  };
  const opening = establish(
    { url: 'http://host.test', type: 'ws', signal: new AbortController().signal, clock: new FakeClock() },
    listener,
    (link) => (frame) => {
      if (frame.op === 'hello') queueMicrotask(() => link.receive(decode(encode(answer))));
    },
  );
  return opening.then(
    (connection) => {
      connection.close();
      return 'connected';
    },
    (error: Error) => `failed: ${error.message}${errors.length ? ` (errors: ${errors.join()})` : ''}`,
  );
}

describe('handshake', () => {
  it('connects on welcome', async () => {
    expect(await handshake({ op: 'welcome', v: 1, server: 'a', heartbeat: 15000 })).to.equal('connected');
  });

  it('fails the attempt when the host drains before welcome, as a host going away', async () => {
    expect(await handshake({ op: 'drain' })).to.equal('failed: drain: the host is going away');
  });

  it('fails the attempt with the reason of an error frame before welcome', async () => {
    expect(await handshake({ op: 'error', code: 'full', message: 'no room' })).to.equal('failed: full: no room');
  });

  it('fails the attempt at once on a welcome whose heartbeat is out of bounds, naming what arrived', async () => {
    const bounds = `${MIN_HEARTBEAT} to ${MAX_HEARTBEAT} ms`;
    for (const heartbeat of [2 ** 31, MAX_HEARTBEAT + 1, MIN_HEARTBEAT - 1, 1, 0.5]) {
      expect(await handshake({ op: 'welcome', v: 1, server: 'a', heartbeat })).to.equal(
        `failed: welcome: heartbeat must be ${bounds}, got ${heartbeat}`,
      );
    }
    for (const heartbeat of [MIN_HEARTBEAT, MAX_HEARTBEAT]) {
      expect(await handshake({ op: 'welcome', v: 1, server: 'a', heartbeat })).to.equal('connected');
    }
  });

  it('fails the attempt at once on a welcome whose version is not a positive integer', async () => {
    expect(await handshake({ op: 'welcome', v: 1.5, server: 'a', heartbeat: 15000 })).to.equal(
      'failed: welcome: v must be an integer of at least 1',
    );
  });
});

describe('heartbeat on a connection', () => {
  const H = 1000;

  it('after welcome, pings every H on the clock and closes with "heartbeat timeout" after 2 × H of silence', async () => {
    const clock = new FakeClock();
    const sent: ClientFrame[] = [];
    const closed: string[] = [];
    const connection = await establish(
      { url: 'http://host.test', type: 'ws', signal: new AbortController().signal, clock },
      { frame: () => undefined, closed: (reason) => closed.push(reason), protocolError: () => undefined },
      (link) => (frame) => {
        sent.push(frame);
        if (frame.op === 'hello')
          queueMicrotask(() => link.receive({ frame: { op: 'welcome', v: 1, server: 'a', heartbeat: H } }));
      },
    );
    expect(connection.welcome.heartbeat).to.equal(H);
    const start = clock.now();
    await clock.advance(2 * H - 1);
    expect(closed).to.deep.equal([]);
    expect(sent).to.deep.equal([
      { op: 'hello', v: 1 },
      { op: 'ping', t: start + H },
    ]);
    await clock.advance(1);
    expect(closed).to.deep.equal(['heartbeat timeout']);
    expect(clock.pending).to.equal(0);
  });
});

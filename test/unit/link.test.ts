// A connection's handshake, whatever carries it: frames that come before `welcome`.

import { expect } from '@esm-bundle/chai';
import type { ServerFrame } from '../../shared/protocol.ts';
import type { ConnectionListener } from '../../worker/transport.ts';
import { establish } from '../../worker/transports/link.ts';

/** Opens a connection on a carrier that answers hello with `answer`; resolves how the attempt ended. */
function handshake(answer: ServerFrame): Promise<string> {
  const errors: string[] = [];
  const listener: ConnectionListener = {
    frame: () => undefined,
    closed: () => undefined,
    protocolError: (what) => errors.push(what),
  };
  const opening = establish(
    { url: 'http://host.test', type: 'ws', signal: new AbortController().signal },
    listener,
    (link) => (frame) => {
      if (frame.op === 'hello') queueMicrotask(() => link.receive({ frame: answer }));
    },
  );
  return opening.then(
    (connection) => (connection.close(), 'connected'),
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
});

// connect() and the Board in real tabs on a real SharedWorker: sharing, config and version checks, bad calls, tab liveness.

import { expect } from '@esm-bundle/chai';
import {
  type Board,
  type BoardEvents,
  ConfigError,
  type ConnectOptions,
  connect,
  type ErrorCode,
  SwitchboardError,
  VERSION,
} from '../../src/index.ts';
import { TabSession } from '../../worker/tab-session.ts';
import { TabSessions } from '../../worker/tab-sessions.ts';
import { testOptions } from '../support/options.ts';
import { openTab } from '../support/tabs.ts';
import { until } from '../support/until.ts';

/** Options for a worker and a store of this test's own. */
const options = (config: ConnectOptions['config'] = { hosts: ['http://127.0.0.1:9'] }) => testOptions(config);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('board', () => {
  const boards: Board[] = [];
  afterEach(() => {
    for (const board of boards.splice(0)) board.close();
  });
  const open = async (opts: ConnectOptions) => {
    const board = await connect(opts);
    boards.push(board);
    return board;
  };

  it('runs one shared worker for every tab of the origin, and counts the tabs', async () => {
    const opts = options();
    const board = await open(opts);
    const other = await openTab();
    await other.eval(`tab.connect(${JSON.stringify(opts)})`);
    const state = await board.state();
    expect(state).to.include({ mode: 'shared', tabs: 2, status: 'idle' });
    expect(state.plan).to.deep.equal([{ host: 'http://127.0.0.1:9', index: 0 }]);
    await other.close();
  });

  it('releases a closed tab through its Web Lock alone (its pagehide muted), and keeps the others', async () => {
    const opts = options();
    const board = await open(opts);
    const closing = await openTab();
    await closing.eval('tab.muteGoodbye()');
    await closing.eval(`tab.connect(${JSON.stringify(opts)})`);
    expect((await board.state()).tabs).to.equal(2);
    await closing.close();
    await until('the closed tab to be released by its lock', async () => (await board.state()).tabs === 1);
    expect((await board.state()).status, 'the board that stayed still answers').to.equal('idle');
  });

  it("releases a tab at its pagehide's goodbye, while the page lives on and holds its lock", async () => {
    const opts = options();
    const board = await open(opts);
    const leaving = await openTab();
    await leaving.eval(`tab.connect(${JSON.stringify(opts)})`);
    expect((await board.state()).tabs).to.equal(2);
    await leaving.eval('tab.pagehide()');
    await until('the tab to be released by its goodbye', async () => (await board.state()).tabs === 1);
    await leaving.close();
  });

  it('refuses a second tab with another config, unless it asks to reconfigure', async () => {
    const opts = options({ hosts: ['http://127.0.0.1:9'] });
    const board = await open(opts);
    const other = { ...opts, config: { hosts: ['http://127.0.0.2:9'] } };
    const error = await rejection(connect(other));
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.equal(
      'config: differs from the one the running Switchboard worker uses for other tabs; pass reconfigure: true to connect() to replace it',
    );
    expect((await board.state()).plan[0]!.host, 'the first tab is untouched').to.equal('http://127.0.0.1:9');

    await open({ ...other, reconfigure: true });
    expect((await board.state()).plan[0]!.host).to.equal('http://127.0.0.2:9');
  });

  it('accepts the same config written in another key order', async () => {
    const opts = options({ hosts: ['http://127.0.0.1:9'], connectTimeout: 500, failureExpiry: 100 });
    await open(opts);
    await open({ ...opts, config: { failureExpiry: 100, connectTimeout: 500, hosts: ['http://127.0.0.1:9'] } });
  });

  it('rejects a bad config with a ConfigError naming the field', async () => {
    const error = await rejection(connect(options({ hosts: [{ url: 'http://a', types: ['wss' as 'ws'] }] })));
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).path).to.equal('hosts[0].types[0]');
    expect(error.message).to.equal(
      'hosts[0].types[0]: unknown connection type "wss" (expected ws, http, poll or rttp)',
    );
  });

  it('says clearly when the worker script cannot start', async () => {
    const error = await rejection(connect({ ...options(), worker: '/no/such/worker.js' }));
    // Chromium fires `error` for a missing script, or connect()'s start deadline says it (15 s).
    expect(error.message).to.match(/^Switchboard: the worker script \/no\/such\/worker.js failed to start/);
    expect((error as SwitchboardError).code).to.equal('worker-failed');
  });

  it('lets a caller branch on error codes, from the worker too', async () => {
    const code = async (promise: Promise<unknown>): Promise<ErrorCode> => {
      const error = await rejection(promise);
      expect(error, error.message).to.be.instanceOf(SwitchboardError);
      return (error as SwitchboardError).code;
    };
    const bad = await rejection(connect(options({ hosts: ['http://a'], connectCount: 0 })));
    expect(bad).to.be.instanceOf(ConfigError);
    expect(bad).to.be.instanceOf(SwitchboardError);
    expect(bad).to.include({ name: 'ConfigError', code: 'config', path: 'connectCount' });

    // Nothing answers on port 9: sends wait for a connection, and the queue holds one.
    const board = await open(options({ hosts: ['http://127.0.0.1:9'], sendQueueLimit: 1 }));
    void board.send('orders', 1).catch(() => undefined);
    expect(await code(board.send('orders', 2))).to.equal('queue-full');
    expect(await code(board.subscribe('', () => {}))).to.equal('invalid-argument');
    expect(await code(board.resolve('https://elsewhere.test/x'))).to.equal('invalid-argument');
    expect(await code(board.clearExpiry(3))).to.equal('invalid-argument');
    board.close();
    expect(await code(board.send('orders', 3))).to.equal('closed');
    expect(await code(board.state())).to.equal('closed');
  });

  it('rejects bad calls with a clear error and keeps working', async () => {
    const board = await open(options());
    expect((await rejection(board.subscribe('', () => {}))).message).to.equal(
      'subscribe: topic must be a non-empty string of at most 256 characters, got a string of 0 characters',
    );
    expect((await rejection(board.subscribe(7 as unknown as string, () => {}))).message).to.equal(
      'subscribe: topic must be a string, got 7',
    );
    expect((await rejection(board.subscribe('t', 'nope' as unknown as () => void))).message).to.equal(
      'subscribe: onMessage must be a function',
    );
    expect((await rejection(board.send('t', () => 1))).message).to.match(
      /^send: data for "t" cannot be cloned \(.+\)$/,
    );
    expect((await board.state()).tabs, 'the worker still answers').to.equal(1);
    board.close();
    expect((await rejection(board.state())).message).to.equal('Switchboard: this board is closed');
    expect((await rejection(board.subscribe('t', () => {}))).message).to.equal('Switchboard: this board is closed');
  });

  describe('attaching again to a worker that another tab reconfigured', () => {
    const X = { hosts: ['http://127.0.0.1:9'] };
    const Y = { hosts: ['http://127.0.0.2:9'] };
    const unhandled: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
    beforeEach(() => addEventListener('unhandledrejection', onUnhandled));
    afterEach(() => {
      removeEventListener('unhandledrejection', onUnhandled);
      unhandled.splice(0);
    });

    /** This page leaves for the back/forward cache and comes back: its boards let the worker go and attach again. */
    const backForward = () => {
      dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    };

    it('a board that did not ask to reconfigure closes, says why in an error event, and every call rejects with closed', async () => {
      const opts = options(X);
      const board = await open(opts);
      const errors: BoardEvents['error'][] = [];
      board.on('error', (detail) => errors.push(detail));
      const other = await openTab();
      await other.eval(`tab.connect(${JSON.stringify({ ...opts, config: Y, reconfigure: true })})`);
      expect((await board.state()).plan[0]!.host, 'the other tab replaced the config').to.equal(Y.hosts[0]);

      backForward();
      const refused =
        'config: differs from the one the running Switchboard worker uses for other tabs; pass reconfigure: true to connect() to replace it';
      await until('the error event', () => errors.length > 0);
      expect(errors).to.deep.equal([{ what: 'config', reason: refused }]);
      for (const call of [board.state(), board.send('orders', 1), board.subscribe('t', () => {}), board.reconnect()]) {
        const error = await rejection(call);
        expect(error).to.be.instanceOf(SwitchboardError);
        expect(error).to.include({ code: 'closed', message: `Switchboard: this board is closed: ${refused}` });
      }
      expect(await other.eval('tab.state().then((s) => s.tabs)'), 'the other tab goes on, alone').to.equal(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).to.deep.equal([]);
      await other.close();
    });

    it('a board that asked to reconfigure replaces the config again, and goes on', async () => {
      const opts = { ...options(X), reconfigure: true };
      const board = await open(opts);
      const errors: BoardEvents['error'][] = [];
      board.on('error', (detail) => errors.push(detail));
      const other = await openTab();
      await other.eval(`tab.connect(${JSON.stringify({ ...opts, config: Y })})`);
      expect((await board.state()).plan[0]!.host).to.equal(Y.hosts[0]);

      backForward();
      await until('this board to attach again', async () => (await board.state()).plan[0]!.host === X.hosts[0]);
      expect((await board.state()).tabs).to.equal(2);
      expect(errors).to.deep.equal([]);
      expect(unhandled).to.deep.equal([]);
      await other.close();
    });
  });

  it('runs on a dedicated worker where the browser has no SharedWorker, and says so', async () => {
    const shared = Object.getOwnPropertyDescriptor(globalThis, 'SharedWorker')!;
    Object.defineProperty(globalThis, 'SharedWorker', { value: undefined, configurable: true });
    try {
      const board = await open(options());
      expect(await board.state()).to.include({ mode: 'dedicated', tabs: 1 });
    } finally {
      Object.defineProperty(globalThis, 'SharedWorker', shared);
    }
  });

  it('a page of another version is told so at the handshake', async () => {
    const sessions = new TabSessions({
      mode: 'shared',
      locks: navigator.locks,
      world: () => expect.fail('no world for a refused tab'),
    });
    const channel = new MessageChannel();
    const request = { version: '0.0.1', config: {}, reconfigure: false, store: 's', tabLock: 'l', port: channel.port2 };
    const error = await rejection(new TabSession(sessions).attach(request));
    expect(error.message).to.equal(
      `Switchboard versions differ: the page is 0.0.1, the worker is ${VERSION}; give this build its own worker name`,
    );
    expect((error as SwitchboardError).code).to.equal('version');
  });

  it('checks the package version at the handshake', async () => {
    const pkg = (await (await fetch('/package.json')).json()) as { version: string };
    expect(VERSION).to.equal(pkg.version);
  });
});

// The worker's API as any same-origin script sees it: a port wrapped with Comlink reaches TabApi's calls and nothing else.

import { expect } from '@esm-bundle/chai';
import { transferHandlers, wrap } from 'comlink';
import { receiveErrors } from '../../shared/errors.ts';
import { type Board, connect, SwitchboardError } from '../../src/index.ts';
import { testOptions } from '../support/options.ts';

/** What a hostile script tries through a wrapped port: each property is a further path, each use a round trip. */
interface Paths {
  sessions: Promise<unknown>;
  constructor: {
    name: Promise<string>;
    /** Function: an APPLY makes a function; a CONSTRUCT hands back a proxy to one, which runs when called. */
    constructor: { (body: string): Promise<unknown>; new (body: string): Promise<() => Promise<unknown>> };
  };
  /** Public methods of the session that are no part of TabApi. */
  post(message: unknown): Promise<void>;
  closePort(): Promise<void>;
  nothing(): Promise<void>;
  subscribe(topic: unknown, from?: unknown): Promise<void>;
  send(topic: unknown, data: unknown, id: unknown): Promise<void>;
  requestAttempt(index: unknown): Promise<void>;
  setLoadBalancing(on: unknown): Promise<void>;
  attach(request: unknown): Promise<unknown>;
  state(...extra: unknown[]): Promise<unknown>;
}

/** The SharedWorker that connect(options) runs, and a raw port to it. */
function rawPort(options: { worker?: string | URL; name?: string }): MessagePort {
  const url = new URL(options.worker!, location.href);
  url.searchParams.set('name', options.name!);
  // The options connect() gives: Chromium shares a worker only with a caller that gives the same.
  const init = { type: 'module', name: options.name, extendedLifetime: true } as WorkerOptions;
  const port = new SharedWorker(url, init).port;
  ports.push(port);
  return port;
}
const ports: MessagePort[] = [];

/** Posts a raw Comlink message and resolves the worker's answer to it. */
function ask(port: MessagePort, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = crypto.randomUUID();
  return new Promise((resolve) => {
    port.addEventListener('message', function answer({ data }: MessageEvent<Record<string, unknown>>) {
      if (data.id !== id) return;
      port.removeEventListener('message', answer);
      resolve(data);
    });
    port.start();
    port.postMessage({ ...message, id });
  });
}

/** The SwitchboardError a promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    (value) => expect.fail(`expected a refusal, got ${String(value)}`),
    (error: unknown) => error,
  );
  expect(error).to.be.instanceOf(SwitchboardError);
  expect((error as SwitchboardError).code).to.equal('invalid-argument');
  return error as SwitchboardError;
}

const ONLY =
  'a page may only call attach, subscribe, unsubscribe, send, state, reconnect, resolve, requestPlan, requestAttempt, requestFailed, setLoadBalancing, clearExpiry, close';

describe('the worker API, reached from a raw port', () => {
  const boards: Board[] = [];
  let options: ReturnType<typeof testOptions>;
  let remote: Paths;
  let port: MessagePort;

  before(() => receiveErrors(transferHandlers));
  beforeEach(async () => {
    options = testOptions({ hosts: ['http://127.0.0.1:9'] });
    boards.push(await connect(options));
    port = rawPort(options);
    remote = wrap(port) as unknown as Paths;
  });
  afterEach(() => {
    for (const board of boards.splice(0)) board.close();
    for (const raw of ports.splice(0)) raw.close();
  });

  it('reads no field of the session', async () => {
    expect((await refusal(remote.sessions)).message).to.equal(`Switchboard worker: refused GET of "sessions"; ${ONLY}`);
    expect((await refusal(remote.constructor.name)).message).to.equal(
      `Switchboard worker: refused GET of "constructor.name"; ${ONLY}`,
    );
  });

  it('runs no code: Function is out of reach, by APPLY and by CONSTRUCT', async () => {
    expect((await refusal(remote.constructor.constructor('return 1'))).message).to.equal(
      `Switchboard worker: refused APPLY of "constructor.constructor"; ${ONLY}`,
    );
    // Before, this handed back a proxy to a new Function, and calling it ran the body in the worker.
    expect((await refusal(new remote.constructor.constructor('return 1'))).message).to.equal(
      `Switchboard worker: refused CONSTRUCT of "constructor.constructor"; ${ONLY}`,
    );
  });

  it('writes nothing: a SET is answered with the same error, and the prototype every tab shares is unchanged', async () => {
    const answer = await ask(port, {
      type: 'SET',
      path: ['constructor', 'prototype', 'state'],
      value: { type: 'RAW', value: 1 },
    });
    expect(answer).to.deep.include({ type: 'HANDLER', name: 'throw' });
    expect(answer.value).to.include({
      code: 'invalid-argument',
      message: `Switchboard worker: refused SET of "constructor.prototype.state"; ${ONLY}`,
    });
    expect((await boards[0]!.state()).tabs, 'state() still answers').to.equal(1);
  });

  it('calls no method outside TabApi, and opens no other endpoint', async () => {
    expect((await refusal(remote.nothing())).message).to.equal(
      `Switchboard worker: refused APPLY of "nothing"; ${ONLY}`,
    );
    await refusal(remote.post({ event: 'error', detail: { what: 'forged', reason: 'forged' } }));
    await refusal(remote.closePort());
    const endpoint = await ask(port, { type: 'ENDPOINT' });
    expect(endpoint.value).to.include({ message: `Switchboard worker: refused ENDPOINT; ${ONLY}` });
    const release = await ask(port, { type: 'RELEASE', path: ['constructor'] });
    expect(release.value).to.include({ message: `Switchboard worker: refused RELEASE of "constructor"; ${ONLY}` });
    const unknown = await ask(port, { type: 'TELEPORT', path: ['state'] });
    expect(unknown.value).to.include({ message: `Switchboard worker: refused TELEPORT of "state"; ${ONLY}` });
  });

  it("lets a page's proxy release its port, as Comlink does when the proxy is collected", async () => {
    const answer = await ask(port, { type: 'RELEASE' });
    expect(answer).to.deep.include({ type: 'RAW', value: undefined });
    expect((await boards[0]!.state()).tabs, 'the other port is untouched').to.equal(1);
  });

  it('checks the arguments of each call, naming the call, the argument and what arrived', async () => {
    const messages = await Promise.all(
      [
        remote.subscribe(42),
        remote.subscribe('t', -1),
        remote.subscribe('t', 1.5),
        remote.send('t', 1, ''),
        remote.send('t', 1, 'x'.repeat(65)),
        remote.requestAttempt('0'),
        remote.setLoadBalancing('yes'),
        remote.attach({ version: '1', config: {}, tabLock: 'l' }),
        remote.attach(null),
        remote.state(1),
      ].map(async (call) => (await refusal(call)).message),
    );
    expect(messages).to.deep.equal([
      'subscribe: topic must be a string, got 42',
      'subscribe: from must be a non-negative safe integer or undefined, got -1',
      'subscribe: from must be a non-negative safe integer or undefined, got 1.5',
      'send: id must be a non-empty string of at most 64 characters, got ""',
      'send: id must be a non-empty string of at most 64 characters, got a string of 65 characters',
      'requestAttempt: index must be an integer, got "0"',
      'setLoadBalancing: on must be true or false, got "yes"',
      'attach: request.port must be a MessagePort, got undefined',
      'attach: request must be an object, got null',
      'state: takes 0 arguments, got 1',
    ]);
    // A Comlink proxy back to the page is no argument of any call.
    const proxied = await ask(port, {
      type: 'APPLY',
      path: ['subscribe'],
      argumentList: [{ type: 'HANDLER', name: 'proxy', value: 0 }],
    });
    expect(proxied.value).to.include({
      code: 'invalid-argument',
      message: 'subscribe: arguments must be plain values',
    });
  });

  it('a page connects and works on the same worker after all of that', async () => {
    await Promise.allSettled([remote.sessions, remote.nothing(), remote.subscribe(42)]);
    const board = await connect(options);
    boards.push(board);
    const state = await board.state();
    expect(state).to.include({ mode: 'shared', tabs: 2, status: 'idle' });
    await board.setLoadBalancing(true);
    expect((await boards[0]!.state()).loadBalance, 'the call reached the worker the first page shares').to.equal(true);
  });
});

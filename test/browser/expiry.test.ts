// Failure expiries in real IndexedDB: shared by every loop that opens the same store, and a memory fallback when it fails.

import { expect } from '@esm-bundle/chai';
import { realClock } from '../../shared/clock.ts';
import { parseConfig } from '../../shared/config.ts';
import { type ExpiryStore, idbExpiryStore } from '../../worker/expiry.ts';
import { Failover } from '../../worker/failover.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { FakeTransport, type HostBehaviour } from '../support/fake-transport.ts';

/** Each test its own database, so tests never see each other's expiries. */
const storeName = () => `expiry-test-${crypto.randomUUID()}`;

/** Runs one loop (as one worker would) at `now` and returns the hosts it tried, in order. */
async function firstAttempts(
  expiries: ExpiryStore,
  now: number,
  behaviour: (url: string) => HostBehaviour,
): Promise<string[]> {
  const clock = new FakeClock(now);
  const tried: string[] = [];
  const loop = new Failover(
    parseConfig({ hosts: ['http://flaky.test', 'http://steady.test'], types: ['ws'], failureExpiry: 2000 }),
    { clock, random: Math.random, transport: new FakeTransport(behaviour).open, expiries },
    {
      event: (name, detail) => name === 'connect' && tried.push((detail as { host: string }).host),
      frame() {},
      protocolError() {},
    },
  );
  loop.start();
  // Real IndexedDB answers on real time: wait for the loop to settle on a host.
  const deadline = Date.now() + 5000;
  while (loop.state.status !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  loop.close();
  return tried;
}

describe('expiry store (real IndexedDB)', () => {
  it('a host that failed 1 s ago is skipped by a second loop on the same store, and tried again after failureExpiry', async () => {
    const name = storeName();
    const t0 = Date.now();
    const flakyDown = (url: string): HostBehaviour => (url === 'http://flaky.test' ? 'refuse' : 'accept');
    expect(await firstAttempts(idbExpiryStore(name, expect.fail, realClock), t0, flakyDown)).to.deep.equal([
      'http://flaky.test',
      'http://steady.test',
    ]);

    // A new worker (a reload, another tab) opens the store afresh; flaky is up again, but it failed 1 s ago.
    const up = (): HostBehaviour => 'accept';
    expect(await firstAttempts(idbExpiryStore(name, expect.fail, realClock), t0 + 1000, up)).to.deep.equal([
      'http://steady.test',
    ]);
    expect(await firstAttempts(idbExpiryStore(name, expect.fail, realClock), t0 + 2001, up)).to.deep.equal([
      'http://flaky.test',
    ]);
  });

  it('keeps the later of two expiries and clears one on request', async () => {
    const store = idbExpiryStore(storeName(), expect.fail, realClock);
    await store.fail('http://a.test', 5000);
    await store.fail('http://a.test', 3000);
    await store.fail('http://b.test', 7000);
    expect(await store.until('http://a.test')).to.equal(5000);
    await store.clear('http://a.test');
    expect(await store.until('http://a.test')).to.equal(0);
    expect([...(await store.all())]).to.deep.equal([['http://b.test', 7000]]);
  });

  it('falls back to memory with one warning when IndexedDB throws mid-run, and still honours expiries', async () => {
    const warnings: string[] = [];
    const store = idbExpiryStore(storeName(), (message) => warnings.push(message), realClock);
    await store.fail('http://a.test', 5000);
    // What a closed or broken connection does: every new transaction throws.
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = () => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    };
    try {
      await store.fail('http://b.test', 6000);
      expect(await store.until('http://a.test')).to.equal(5000);
      expect(await store.until('http://b.test')).to.equal(6000);
    } finally {
      IDBDatabase.prototype.transaction = transaction;
    }
    expect(warnings).to.deep.equal([
      'IndexedDB failed to write (The database connection is closing.): host failures are kept in memory for this worker only',
    ]);
  });

  it('falls back to memory when IndexedDB cannot open at all', async () => {
    const warnings: string[] = [];
    const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
    let store: ExpiryStore;
    try {
      store = idbExpiryStore(storeName(), (message) => warnings.push(message), realClock);
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', original);
    }
    await store.fail('http://a.test', 9000);
    expect(await store.until('http://a.test')).to.equal(9000);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      /^IndexedDB unavailable \(.+\): host failures are kept in memory for this worker only$/,
    );
  });
});

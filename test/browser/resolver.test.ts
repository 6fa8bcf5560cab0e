// The Flowplayer URL resolver: board.resolve() and board.fetch() on real hosts, sharing host health with the stream.

import { expect } from '@esm-bundle/chai';
import { type Board, type BoardEvents, connect, type SwitchboardConfig } from '../../src/index.ts';
import { clusterWithTabs } from '../support/fixture.ts';
import { testOptions } from '../support/options.ts';
import { until } from '../support/until.ts';

type Attempt = BoardEvents['connect'] & { reason?: string };

describe('the URL resolver', () => {
  const fixture = clusterWithTabs();
  let board: Board | undefined;
  afterEach(() => board?.close());

  /** A board on `config`, recording its attempts as "event host" (marked "request" for board.fetch's). */
  async function boardOn(config: SwitchboardConfig, callbacks: string[] = []) {
    board = await connect({
      ...testOptions(config),
      onConnect: (host, index) => callbacks.push(`onConnect ${host} ${index}`),
      onConnectFailed: (host, index) => callbacks.push(`onConnectFailed ${host} ${index}`),
    });
    const attempts: string[] = [];
    for (const event of ['connect', 'connectFailed', 'connected'] as const) {
      board.on(event, (detail: Attempt) => attempts.push(`${event} ${detail.host}${detail.request ? ' request' : ''}`));
    }
    return { board, attempts };
  }

  it('seed, Flowplayer: two bad hosts and a good one resolve to the good one, with connect / connectFailed for the first two', async () => {
    const cluster = await fixture.cluster({ hosts: 3 });
    await cluster.kill(0);
    await cluster.kill(1);
    const hosts = cluster.hosts;
    const callbacks: string[] = [];
    const { board, attempts } = await boardOn({ hosts, types: ['http'] }, callbacks);
    expect(await board.resolve('files/clip.mp4')).to.equal(`${hosts[2]}/files/clip.mp4`);
    expect(await board.resolve('/files/clip.mp4'), 'with or without a leading slash').to.equal(
      `${hosts[2]}/files/clip.mp4`,
    );
    expect(attempts).to.deep.equal([
      `connect ${hosts[0]}`,
      `connectFailed ${hosts[0]}`,
      `connect ${hosts[1]}`,
      `connectFailed ${hosts[1]}`,
      `connect ${hosts[2]}`,
      `connected ${hosts[2]}`,
    ]);
    expect(callbacks, "Flowplayer's callbacks, called in the page").to.deep.equal([
      `onConnect ${hosts[0]} 0`,
      `onConnectFailed ${hosts[0]} 0`,
      `onConnect ${hosts[1]} 1`,
      `onConnectFailed ${hosts[1]} 1`,
      `onConnect ${hosts[2]} 2`,
    ]);
    const response = await fetch(await board.resolve('/files/clip.mp4'));
    expect(await response.json()).to.deep.equal({ host: cluster.names[2], method: 'GET', path: '/files/clip.mp4' });
  });

  it('resolve() refuses an absolute URL and rejects, naming the hosts, when none answers in connectCount rounds', async () => {
    const cluster = await fixture.cluster({ hosts: 2 });
    await cluster.kill(0);
    await cluster.kill(1);
    const { board } = await boardOn({
      hosts: cluster.hosts,
      types: ['ws'],
      connectCount: 2,
      reconnectDelay: 50,
      failureExpiry: 0,
    });
    const absolute = await board.resolve('http://elsewhere.test/x').then(
      () => '',
      (e: Error) => e.message,
    );
    expect(absolute).to.equal(
      'resolve: "http://elsewhere.test/x" is an absolute URL; give a path on the hosts, such as "/video/clip.mp4"',
    );
    const none = await board.resolve('/x').then(
      () => '',
      (e: Error) => e.message,
    );
    expect(none).to.equal(`resolve: no host answered in 2 rounds (tried ${cluster.hosts.join(', ')})`);
  });

  it('fetch() moves on from a refused, a blackholed and a 503 host, and reports each as a request attempt', async () => {
    const cluster = await fixture.cluster({ hosts: 4 });
    await cluster.kill(0);
    await cluster.blackhole(1);
    await cluster.files(2, 503);
    const { board, attempts } = await boardOn({ hosts: cluster.hosts, connectTimeout: 500 });
    const response = await board.fetch('/files/report.json');
    expect(await response.json()).to.deep.equal({ host: cluster.names[3], method: 'GET', path: '/files/report.json' });
    await until('every attempt reported', () => attempts.length === 7);
    expect(attempts).to.deep.equal([
      ...[0, 1, 2].flatMap((i) => [`connect ${cluster.hosts[i]} request`, `connectFailed ${cluster.hosts[i]} request`]),
      `connect ${cluster.hosts[3]} request`,
    ]);
  });

  it("fetch() does not move on for a 4xx: that answer is the caller's", async () => {
    const cluster = await fixture.cluster({ hosts: 2 });
    await cluster.files(0, 404);
    const { board } = await boardOn({ hosts: cluster.hosts });
    const response = await board.fetch('/files/missing');
    expect(response.status).to.equal(404);
    expect((await cluster.counts(1)).files).to.equal(0);
  });

  it('a host that failed a fetch is skipped by the stream, and a host that failed the stream is skipped by fetch', async () => {
    const cluster = await fixture.cluster({ hosts: 3 });
    await cluster.files(0, 503);
    const { board, attempts } = await boardOn({ hosts: cluster.hosts, types: ['ws'], failureExpiry: 60_000 });
    expect((await (await board.fetch('/files/a')).json()).host).to.equal(cluster.names[1]);
    await board.subscribe('t', () => undefined);
    await until('the stream connected', () => attempts.some((a) => a.startsWith('connected')));
    expect(
      attempts.filter((a) => !a.endsWith('request')),
      'the stream skips host 0',
    ).to.deep.equal([`connect ${cluster.hosts[1]}`, `connected ${cluster.hosts[1]}`]);

    await cluster.kill(1);
    await until('the stream on host 2', () => attempts.includes(`connected ${cluster.hosts[2]}`));
    await cluster.restart(1);
    await cluster.files(0, 200);
    // Host 0 and host 1 both rest within their failure expiry now: fetch goes to the connected host 2.
    expect((await (await board.fetch('/files/b')).json()).host).to.equal(cluster.names[2]);
  });

  it('a POST is not retried on another host unless the caller asks', async () => {
    const cluster = await fixture.cluster({ hosts: 2 });
    await cluster.files(0, 503);
    const { board } = await boardOn({ hosts: cluster.hosts, failureExpiry: 0 });
    const refused = await board.fetch('/files/order', { method: 'POST', body: '{}' }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(refused).to.equal(
      `fetch /files/order: a POST is not retried on another host unless init.retry is true: ${cluster.hosts[0]} (HTTP 503)`,
    );
    expect((await cluster.counts(1)).files).to.equal(0);
    const retried = await board.fetch('/files/order', { method: 'POST', body: '{}', retry: true });
    expect(await retried.json()).to.deep.equal({ host: cluster.names[1], method: 'POST', path: '/files/order' });
  });
});

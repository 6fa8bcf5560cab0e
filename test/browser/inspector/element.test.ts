// <switchboard-inspector> in a real page on a real broker and real hosts: it follows a failover, and its buttons reach the broker.

import { expect } from '@esm-bundle/chai';
import { type Board, connect, type SwitchboardConfig } from '../../../src/index.ts';
import '../../../src/inspector/element.ts';
import type { SwitchboardInspector } from '../../../src/inspector/element.ts';
import { installHook } from '../../../src/inspector/hook.ts';
import { type Cluster, startCluster } from '../../support/cluster.ts';
import { until } from '../../support/until.ts';
import { click, connectedIndex, field, inspectorOptions, planRow, timeline, topicRows } from './support.ts';

describe('<switchboard-inspector>', () => {
  let cluster: Cluster | undefined;
  const boards: Board[] = [];
  afterEach(async () => {
    for (const element of document.querySelectorAll('switchboard-inspector')) element.remove();
    for (const board of boards.splice(0)) board.close();
    await cluster?.stop();
    cluster = undefined;
  });

  async function inspect(config: SwitchboardConfig): Promise<{ board: Board; view: ShadowRoot }> {
    const board = await connect(inspectorOptions(config));
    boards.push(board);
    const element = document.createElement('switchboard-inspector');
    element.board = board;
    document.body.append(element);
    return { board, view: element.shadowRoot! };
  }

  it("follows a failover: the connected host, each host's expiry and last error, topics, the timeline", async () => {
    cluster = await startCluster({ hosts: 3 });
    await cluster.kill(0);
    const { board, view } = await inspect({
      hosts: cluster.hosts,
      types: ['ws'],
      failureExpiry: 60_000,
      reconnectDelay: 100,
    });
    await board.subscribe('prices', () => undefined);

    await until('host 1 shown as connected', () => field(view, 'status') === 'connected' && connectedIndex(view) === 1);
    expect(field(view, 'host')).to.equal(`${cluster.hosts[1]} (#1)`);
    expect(field(view, 'type')).to.equal('ws');
    expect(field(view, 'server')).to.equal(cluster.names[1]);
    expect(field(view, 'mode')).to.equal('shared');
    expect(field(view, 'tabs')).to.equal('1');
    expect(planRow(view, 0)!.expiry, 'host 0 failed: skipped for its failure expiry').to.match(
      /^skipped for \d+\.\d s$/,
    );
    expect(planRow(view, 0)!.error).to.contain('WebSocket');
    expect([0, 1, 2].map((i) => planRow(view, i)!.host)).to.deep.equal(cluster.hosts);

    for (let i = 0; i < 3; i++) await cluster.publish('prices', { i }, 1);
    await until('the topic with its seq', () => topicRows(view)[0]?.slice(0, 3).join() === 'prices,1,3');
    expect(topicRows(view)[0]?.[4], 'the host confirmed the topic').to.equal('live');

    await cluster.kill(1);
    await until('host 2 shown as connected', () => field(view, 'status') === 'connected' && connectedIndex(view) === 2);
    expect(field(view, 'host')).to.equal(`${cluster.hosts[2]} (#2)`);
    expect(planRow(view, 1)!.error, "the killed host's last error").to.not.equal('—');
    const lines = timeline(view);
    expect(lines[0]).to.equal(`connected ${cluster.hosts[2]} (#2) over ws`);
    expect(lines[1]).to.equal(`connect ${cluster.hosts[2]} (#2) over ws`);
    expect(lines[2]).to.match(new RegExp(`^disconnected ${cluster.hosts[1]} \\(#1\\): `));
    expect(lines.slice(3)).to.deep.equal([
      `connected ${cluster.hosts[1]} (#1) over ws`,
      `connect ${cluster.hosts[1]} (#1) over ws`,
      lines[5],
      `connect ${cluster.hosts[0]} (#0) over ws`,
    ]);
    expect(lines[5]).to.match(new RegExp(`^connectFailed ${cluster.hosts[0]} \\(#0\\) over ws: `));

    for (let i = 0; i < 2; i++) await cluster.publish('prices', { i }, 2);
    await until('the seq going on from the new host', () => topicRows(view)[0]?.[2] === '5');

    const exported = JSON.parse((view.host as SwitchboardInspector).exportJson()) as {
      state: { connected: { host: string } };
      timeline: unknown[];
    };
    expect(exported.state.connected.host).to.equal(cluster.hosts[2]);
    expect(exported.timeline).to.have.length(lines.length);
  });

  it('Clear expiry and Reconnect reach the broker: a host within its expiry is tried again at once', async () => {
    cluster = await startCluster({ hosts: 1 });
    await cluster.kill(0);
    const slow = { failureExpiry: 60_000, reconnectDelay: 60_000, maxReconnectDelay: 60_000, connectCount: 1 };
    const { board, view } = await inspect({ hosts: cluster.hosts, types: ['ws'], ...slow });
    void board.subscribe('prices', () => undefined);
    await until(
      'the host skipped for its failure expiry',
      () => planRow(view, 0)?.expiry.startsWith('skipped for') === true,
    );
    await until('waiting for the next round', () => field(view, 'status') === 'waiting (failed)');
    await cluster.restart(0);

    click(view, 'clearExpiry', 0);
    await until('the expiry cleared', () => planRow(view, 0)!.expiry === '—');
    expect((await board.state()).expiries).to.deep.equal([]);
    // Without Reconnect the next round is a minute away.
    click(view, 'reconnect');
    await until('connected again', () => field(view, 'status') === 'connected' && connectedIndex(view) === 0);
  });

  it('switches load balancing', async () => {
    const { board, view } = await inspect({ hosts: ['http://127.0.0.1:9'] });
    await until('the first state', () => field(view, 'loadBalance') === 'off');
    click(view, 'loadBalance');
    await until('load balancing on', () => field(view, 'loadBalance') === 'on');
    expect((await board.state()).loadBalance).to.equal(true);
  });

  it('with no board of its own, shows the board the page hook was given', async () => {
    const hook = installHook();
    const element = document.createElement('switchboard-inspector');
    document.body.append(element);
    const view = element.shadowRoot!;
    await until('a note that there is no board', () => field(view, 'note').startsWith('no board'));
    const board = await connect(inspectorOptions({ hosts: ['http://127.0.0.1:9'] }));
    boards.push(board);
    expect(hook.board).to.equal(board);
    await until("the hook's board", () => field(view, 'status') === 'idle' && field(view, 'note') === '');
    expect(planRow(view, 0)!.host).to.equal('http://127.0.0.1:9');
  });
});

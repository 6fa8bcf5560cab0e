// Markup from a server or a page (a topic, an error's code and message) shows as text in the element and the panel, and runs nothing.

import { expect } from '@esm-bundle/chai';
import { type Board, connect } from '../../../src/index.ts';
import '../../../src/inspector/element.ts';
import { installHook } from '../../../src/inspector/hook.ts';
import { startPanel } from '../../../src/inspector/panel.ts';
import { type Cluster, startCluster } from '../../support/cluster.ts';
import { until } from '../../support/until.ts';
import { connectedIndex, field, inspectorOptions, planRow, timeline, topicRows } from './support.ts';

const TOPIC = '<img src=x onerror=alert(1)>';
const CODE = '<img src=x onerror=alert(2)>';
const MESSAGE = '<script>alert(3)</script><img src=x onerror=alert(4)>';
const DATA = { html: '<img src=x onerror=alert(5)>' };

describe('inspector safety', () => {
  let cluster: Cluster | undefined;
  let board: Board | undefined;
  const alerts: unknown[] = [];
  const realAlert = window.alert;
  before(() => (window.alert = (message) => void alerts.push(message)));
  after(async () => {
    window.alert = realAlert;
    board?.close();
    await cluster?.stop();
  });

  it('shows a topic, an error and a disconnect reason made of markup as text, in the element and in the panel', async () => {
    installHook();
    cluster = await startCluster({ hosts: 2 });
    board = await connect(inspectorOptions({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100 }));
    const element = document.body.appendChild(document.createElement('switchboard-inspector'));
    // The panel's eval, run in this page: the snapshot crosses as JSON, as it does from a real inspected page.
    const panel = document.body.appendChild(document.createElement('div'));
    const stop = startPanel(
      panel,
      // biome-ignore lint/security/noGlobalEval: the panel's eval runs its expressions in the inspected page, here this one.
      { eval: (expression, callback) => callback?.(JSON.parse(JSON.stringify(globalThis.eval(expression) ?? null))) },
      200,
    );
    const views = [element.shadowRoot!, panel];
    const shown = async (what: string, check: (view: ParentNode) => boolean) => {
      for (const view of views) await until(what, () => check(view));
    };

    await board.subscribe(TOPIC, () => undefined);
    await cluster.publish(TOPIC, DATA);
    await shown('the topic, on host 0', (view) => topicRows(view)[0]?.[2] === '1' && connectedIndex(view) === 0);
    await cluster.inject(0, JSON.stringify({ op: 'error', code: CODE, message: MESSAGE }));
    await shown('the error', (view) => timeline(view)[0] === `error ${CODE}: ${MESSAGE}`);
    // A host that ends the connection on purpose gives its reason in an error frame: the disconnect reason.
    await cluster.disconnect(0, MESSAGE);
    await shown(
      'the failover to host 1',
      (view) => connectedIndex(view) === 1 && field(view, 'status') === 'connected',
    );
    await cluster.publish(TOPIC, DATA);
    await shown('the next message, so the view has rendered again', (view) => topicRows(view)[0]?.[2] === '2');

    for (const view of views) {
      expect(topicRows(view)[0]![0]).to.equal(TOPIC);
      expect(planRow(view, 0)!.error.split(' ').slice(1).join(' '), "host 0's last error, after its time").to.equal(
        MESSAGE,
      );
      expect(timeline(view)).to.include(`disconnected ${cluster.hosts[0]} (#0): ${MESSAGE}`);
      expect(view.querySelectorAll('img, script').length, 'no element made from the markup').to.equal(0);
    }
    expect(alerts).to.deep.equal([]);
    stop();
    element.remove();
    panel.remove();
  });
});

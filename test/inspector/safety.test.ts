// Markup from a server or a page (a topic, a disconnect reason) shows as text in the element and the panel, and runs nothing.

import { expect } from '@esm-bundle/chai';
import { connect, type Board } from '../../src/index.ts';
import '../../src/inspector/element.ts';
import { installHook } from '../../src/inspector/hook.ts';
import { startPanel } from '../../src/inspector/panel.ts';
import { startCluster, type Cluster } from '../support/cluster.ts';
import { until } from '../support/tabs.ts';
import { field, inspectorOptions, timeline, topicRows } from './support.ts';

const TOPIC = '<img src=x onerror=alert(1)>';
const REASON = '<img src=x onerror=alert(2)><script>alert(3)</script>';

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

  it('shows a topic and a reason made of markup as text, in the element and in the panel', async () => {
    installHook();
    cluster = await startCluster({ hosts: 2 });
    board = await connect(inspectorOptions({ hosts: cluster.hosts, types: ['ws'], reconnectDelay: 100 }));
    const element = document.body.appendChild(document.createElement('switchboard-inspector'));
    // The panel's eval, run in this page: the snapshot crosses as JSON, as it does from a real inspected page.
    const panel = document.body.appendChild(document.createElement('div'));
    const stop = startPanel(panel, { eval: (expression, callback) => callback?.(JSON.parse(JSON.stringify((0, eval)(expression) ?? null))) }, 200);
    const views = [element.shadowRoot!, panel];

    await board.subscribe(TOPIC, () => undefined);
    await cluster.publish(TOPIC, { html: '<img src=x onerror=alert(4)>' });
    await cluster.disconnect(0, REASON);
    for (const view of views) {
      await until('the topic and the failover shown', () => topicRows(view)[0]?.[2] === '1' && field(view, 'status') === 'connected' && timeline(view).length >= 4);
    }
    await cluster.publish(TOPIC, { html: '<img src=x onerror=alert(4)>' });
    for (const view of views) {
      await until('the next message shown, so the view has rendered again', () => topicRows(view)[0]?.[2] === '2');
      expect(topicRows(view)[0]![0]).to.equal(TOPIC);
      expect(timeline(view).join('\n')).to.contain(REASON);
      expect(view.querySelectorAll('img, script').length, 'no element made from the markup').to.equal(0);
    }
    expect(alerts).to.deep.equal([]);
    stop();
    element.remove();
    panel.remove();
  });
});

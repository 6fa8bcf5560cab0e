// The DevTools panel's page logic with a stubbed chrome.devtools.inspectedWindow whose eval runs in a real tab with a real broker.

import { expect } from '@esm-bundle/chai';
import type { BoardState } from '../../../src/index.ts';
import { type InspectedWindow, startPanel } from '../../../src/inspector/panel.ts';
import { type Cluster, startCluster } from '../../support/cluster.ts';
import { openTab, type TestTab } from '../../support/tabs.ts';
import { until } from '../../support/until.ts';
import { click, connectedIndex, field, inspectorOptions, planRow, timeline } from './support.ts';

/** inspectedWindow as DevTools gives it, but evaluating in `tab`: results come back as JSON, exceptions as exceptionInfo. */
function inspectedWindow(tab: TestTab): InspectedWindow {
  return {
    eval(expression, callback) {
      // In an array, because the test runner's command channel cannot carry a bare null.
      tab.eval<[unknown]>(`[${expression}]`).then(
        ([result]) => callback?.(result),
        (error: Error) => callback?.(undefined, { isException: true, value: error.message }),
      );
    },
  };
}

describe('the DevTools panel', () => {
  let cluster: Cluster | undefined;
  const stops: (() => void)[] = [];
  const tabs: TestTab[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await Promise.all(tabs.splice(0).map((tab) => tab.close()));
    await cluster?.stop();
    cluster = undefined;
  });

  async function panelOn(url: string): Promise<{ tab: TestTab; view: HTMLElement }> {
    const tab = await openTab();
    tabs.push(tab);
    await tab.navigate(url);
    const view = document.body.appendChild(document.createElement('div'));
    stops.push(startPanel(view, inspectedWindow(tab), 200), () => view.remove());
    return { tab, view };
  }

  it("shows the inspected page's broker through a failover, and its buttons act on that page's broker", async () => {
    const { tab, view } = await panelOn('/test/browser/inspector/fixtures/inspected.html');
    await until(
      'the panel saying the page has not connected',
      () => field(view, 'note') === 'This page has a hook but has not called connect() yet.',
    );

    cluster = await startCluster({ hosts: 3 });
    await cluster.kill(0);
    const options = inspectorOptions({
      hosts: cluster.hosts,
      types: ['ws'],
      failureExpiry: 60_000,
      reconnectDelay: 100,
    });
    await tab.eval(`inspected.connect(${JSON.stringify(options)})`);
    await tab.eval(`inspected.subscribe('prices')`);
    const state = () => tab.eval<BoardState>('inspected.state()');

    await until(
      'host 1 connected, host 0 within its expiry',
      () => connectedIndex(view) === 1 && planRow(view, 0)!.expiry.startsWith('skipped for'),
    );
    expect(field(view, 'host')).to.equal(`${cluster.hosts[1]} (#1)`);
    expect(field(view, 'tabs')).to.equal('1');

    click(view, 'clearExpiry', 0);
    await until("the page's broker to forget host 0's expiry", async () => (await state()).expiries.length === 0);
    await until('the panel to show it', () => planRow(view, 0)!.expiry === '—');

    await cluster.kill(1);
    await until('host 2 connected', () => field(view, 'status') === 'connected' && connectedIndex(view) === 2);
    expect(
      timeline(view)
        .slice(0, 3)
        .map((line) => line.split(' ')[0]),
    ).to.deep.equal(['connected', 'connect', 'disconnected']);
    expect(planRow(view, 1)!.error).to.not.equal('—');

    click(view, 'loadBalance');
    await until("the page's broker to balance", async () => (await state()).loadBalance);
    await until('the panel to show it', () => field(view, 'loadBalance') === 'on');
  });

  it('says so when the page has no hook', async () => {
    const { view } = await panelOn('/test/browser/fixtures/tab.html');
    await until('the note', () => field(view, 'note').startsWith('No Switchboard hook in this page.'));
    expect(field(view, 'status')).to.equal('—');
  });
});

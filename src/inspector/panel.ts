// The DevTools panel's logic: reads the inspected page's hook through inspectedWindow.eval and sends actions the same way.

import type { Action, Snapshot } from './snapshot.ts';
import { InspectorView } from './view.ts';

/** The part of chrome.devtools.inspectedWindow the panel uses. */
export interface InspectedWindow {
  eval(expression: string, callback?: (result: unknown, exception?: unknown) => void): void;
}

/** Evaluated in the inspected page: null when the page has no hook, {snapshot} otherwise. */
const READ = '(() => { const hook = globalThis.__switchboard; return hook ? { snapshot: hook.snapshot() } : null; })()';

const NO_HOOK =
  'No Switchboard hook in this page. The extension installs it before a page loads: reload the page. ' +
  'A page opened before the extension was loaded, or one that never calls connect(), has none.';

/** Shows the inspected page's board in `root`, refreshed every `every` ms; returns the function that stops it. */
export function startPanel(root: ParentNode, inspected: InspectedWindow, every = 500): () => void {
  const view = new InspectorView(root, (action: Action) => {
    // Built from numbers and booleans only: nothing the page sent is turned into code.
    const safe =
      action.do === 'clearExpiry'
        ? { do: action.do, index: Number(action.index) }
        : action.do === 'loadBalance'
          ? { do: action.do, value: !!action.value }
          : { do: action.do };
    inspected.eval(`globalThis.__switchboard?.act(${JSON.stringify(safe)})`);
  });
  const read = () =>
    inspected.eval(READ, (result, exception) => {
      if (exception) return view.render(null, Date.now(), `could not read the page: ${JSON.stringify(exception)}`);
      const found = result as { snapshot: Snapshot | null } | null;
      if (!found) return view.render(null, Date.now(), NO_HOOK);
      view.render(
        found.snapshot,
        Date.now(),
        found.snapshot ? '' : 'This page has a hook but has not called connect() yet.',
      );
    });
  read();
  const timer = setInterval(read, every);
  return () => clearInterval(timer);
}

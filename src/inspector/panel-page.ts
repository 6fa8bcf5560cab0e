// The script of the extension's panel.html: the panel on the page DevTools inspects.

import { startPanel, type InspectedWindow } from './panel.ts';

declare const chrome: { devtools: { inspectedWindow: InspectedWindow } };

startPanel(document.body, chrome.devtools.inspectedWindow);

// The script of the extension's panel.html: the panel on the page DevTools inspects.

import { type InspectedWindow, startPanel } from './panel.ts';

declare const chrome: { devtools: { inspectedWindow: InspectedWindow } };

startPanel(document.body, chrome.devtools.inspectedWindow);

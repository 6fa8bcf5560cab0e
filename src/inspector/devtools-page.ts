// The script of the extension's devtools.html: adds the Switchboard panel to DevTools.

declare const chrome: { devtools: { panels: { create(title: string, icon: string, page: string): void } } };

chrome.devtools.panels.create('Switchboard', '', 'panel.html');

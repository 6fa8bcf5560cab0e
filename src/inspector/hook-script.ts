// The DevTools extension's content script: installs the page hook before the page's own scripts run.

import { installHook } from './hook.ts';

installHook();

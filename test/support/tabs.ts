// Browser side of the tabs plugin: open more tabs of this origin and drive them from a test.

import { executeServerCommand } from '@web/test-runner-commands';

export interface TestTab {
  /** Evaluates `expression` in the tab (e.g. "tab.subscribe('x')") and returns its value. */
  eval<T = unknown>(expression: string): Promise<T>;
  close(): Promise<void>;
  /** The tab's renderer crashes: no pagehide, no goodbye. */
  crash(): Promise<void>;
  navigate(url: string): Promise<void>;
}

/** Opens test/fixtures/tab.html in a new tab of this browser, same origin as the test. */
export async function openTab(): Promise<TestTab> {
  const id = await executeServerCommand<number, { url: string }>('tab-open', { url: '/test/fixtures/tab.html' });
  return {
    eval: (expression) => executeServerCommand('tab-eval', { id, expression }),
    close: async () => void (await executeServerCommand('tab-close', { id })),
    crash: async () => void (await executeServerCommand('tab-crash', { id })),
    navigate: async (url) => void (await executeServerCommand('tab-navigate', { id, url })),
  };
}

/** Kills the SharedWorker whose name is `name`, as a crash would (CDP Target.closeTarget); returns how many died. */
export function killWorker(name: string): Promise<number> {
  return executeServerCommand<number, { name: string }>('worker-kill', { name });
}

/** Waits until `check` returns true, polling; fails after `ms` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

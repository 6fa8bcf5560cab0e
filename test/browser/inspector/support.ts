// Reading an inspector view the way a person reads it: by its fields, plan rows, topic rows and timeline.

import type { SwitchboardConfig } from '../../../src/index.ts';

/** What the view shows in one field (status, host, tabs, …). */
export function field(root: ParentNode, name: string): string {
  return root.querySelector(`[data-field="${name}"]`)?.textContent ?? '';
}

/** A row of the plan table: its cells' text. */
interface PlanRow {
  order: string;
  host: string;
  expiry: string;
  error: string;
  connected: boolean;
  row: HTMLTableRowElement;
}

/** The plan row of the host with config index `index`. */
export function planRow(root: ParentNode, index: number): PlanRow | undefined {
  const row = root.querySelector<HTMLTableRowElement>(`[data-part="plan"] tbody tr[data-index="${index}"]`);
  if (!row) return undefined;
  const cells = [...row.cells].map((cell) => cell.textContent ?? '');
  return {
    order: cells[0]!,
    host: cells[2]!,
    expiry: cells[3]!,
    error: cells[4]!,
    connected: row.classList.contains('connected'),
    row,
  };
}

/** The config index of the host the view shows as connected, or -1. */
export function connectedIndex(root: ParentNode): number {
  const row = root.querySelector<HTMLTableRowElement>('[data-part="plan"] tbody tr.connected');
  return row ? Number(row.dataset.index) : -1;
}

/** Topic rows: [topic, subscribers, last seq, msg/s, state]. */
export function topicRows(root: ParentNode): string[][] {
  return [...root.querySelectorAll<HTMLTableRowElement>('[data-part="topics"] tbody tr')].map((row) =>
    [...row.cells].map((cell) => cell.textContent ?? ''),
  );
}

/** Timeline lines, newest first, without their times. */
export function timeline(root: ParentNode): string[] {
  return [...root.querySelectorAll('[data-part="timeline"] li')].map((li) =>
    (li.textContent ?? '').replace(/^\d\d:\d\d:\d\d\.\d\d\d/, ''),
  );
}

/** Clicks a button of the view: an action for the whole board, or one of a host's row. */
export function click(root: ParentNode, action: string, hostIndex?: number): void {
  const scope =
    hostIndex === undefined ? root : root.querySelector(`[data-part="plan"] tbody tr[data-index="${hostIndex}"]`);
  const button = scope?.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`);
  if (!button) throw new Error(`no ${action} button${hostIndex === undefined ? '' : ` for host ${hostIndex}`}`);
  button.click();
}

/** connect() options with a worker and store of this test's own. */
export function inspectorOptions(config: SwitchboardConfig) {
  const id = `inspector-test-${crypto.randomUUID()}`;
  return { config, worker: '/worker/shared-worker.ts', name: id, store: id };
}

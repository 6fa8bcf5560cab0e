// The inspector's entry for pages: the <switchboard-inspector> element and the hook that makes a page's boards inspectable.

export { SwitchboardInspector } from './element.ts';
export { type Hook, installHook } from './hook.ts';
export type { Action, HostError, Snapshot, TimelineEntry, TimelineEvent } from './snapshot.ts';

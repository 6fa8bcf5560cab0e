// The switches a host is thrown by, one name each: the control surface, the test plugin and the demo page all use this list.
// No node: imports, so the demo's browser bundle can take it too.

/** What a host does when thrown: each name is the Host method of that name, and needs no argument. */
export const HOST_ACTIONS = ['kill', 'blackhole', 'drain', 'restart'] as const;

export type HostActionName = (typeof HOST_ACTIONS)[number];

export function isHostAction(name: unknown): name is HostActionName {
  return (HOST_ACTIONS as readonly unknown[]).includes(name);
}

/** Throws `action` on `host` (a Host, described only by those methods so that this file needs no Node types). */
export async function applyHostAction(
  host: Record<HostActionName, () => unknown>,
  action: HostActionName,
): Promise<void> {
  await host[action]();
}

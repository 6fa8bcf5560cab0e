// What a pub's data must be before it is given a seq: JSON that encodes, nested no deeper than maxDepth.

import { messageOf } from '../shared/errors.ts';

/** How deeply a pub's data may nest arrays and objects when no maxDepth is given. */
export const MAX_DEPTH = 64;

/**
 * Why `data` cannot be published, or undefined when it can. Checked before a pub gets a seq: a message that
 * cannot be encoded would hold a seq that no subscriber can ever be sent. Never throws, however deep the data.
 */
export function unpublishable(data: unknown, maxDepth: number): string | undefined {
  const depth = depthOf(data);
  if (depth > maxDepth) return `data nests ${depth} levels deep; at most ${maxDepth} are allowed (maxDepth)`;
  try {
    if (JSON.stringify(data) === undefined) return `data cannot be encoded as JSON (it is ${typeof data})`;
  } catch (error) {
    return `data cannot be encoded as JSON: ${messageOf(error)}`;
  }
  return undefined;
}

/**
 * How many arrays and objects nest at the deepest point: 0 for a number, 1 for [1], 2 for {"a":[1]}.
 * Counted with a stack of its own, not by recursion, so data 10,000 levels deep cannot overflow the call stack.
 */
function depthOf(data: unknown): number {
  let deepest = 0;
  // Data from this process (not from JSON) may hold a container twice, or a cycle: each is counted once.
  const seen = new Set<object>();
  const stack: [value: unknown, depth: number][] = [[data, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

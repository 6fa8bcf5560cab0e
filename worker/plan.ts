// The try order of the hosts: balance groups shuffled by an injected random source, ordered groups kept.

import type { Random } from '../shared/clock.ts';
import type { Host, PlanNode } from '../shared/config.ts';

/**
 * Hosts in the order a round tries them. With load balancing each balance group's
 * members are shuffled (StreamLink: "tried at random"); without, the declared order.
 */
export function drawPlan(node: PlanNode, loadBalance: boolean, random: Random): Host[] {
  if (node.kind === 'host') return [node.host];
  const children = node.kind === 'balance' && loadBalance ? shuffle(node.children, random) : node.children;
  return children.flatMap((child) => drawPlan(child, loadBalance, random));
}

/** The plan rotated so that it starts just after `host` and tries `host` last. */
export function startAfter(plan: Host[], host: Host): Host[] {
  const at = plan.indexOf(host);
  return at < 0 ? plan : [...plan.slice(at + 1), ...plan.slice(0, at + 1)];
}

/** Fisher–Yates, so every order is equally likely. */
function shuffle<T>(items: T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

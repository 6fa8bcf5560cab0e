// The page hook: connect() hands each board to globalThis.__switchboard when it exists; a DevTools panel reads it synchronously.

import type { Board } from '../board.ts';
import { type Probe, probe } from './probe.ts';
import type { Action, Snapshot } from './snapshot.ts';

export interface Hook {
  /** Called by connect() with each new board of this page; the latest one is inspected. */
  (board: Board): void;
  /** The inspected board's latest snapshot, or null before connect(). */
  snapshot(): Snapshot | null;
  /** Fire and forget, for inspectedWindow.eval; a failure shows in the timeline. */
  act(action: Action): void;
  /** The inspected board, for an in-page element. */
  board?: Board;
}

declare global {
  var __switchboard: Hook | undefined;
}

/** Asks every later connect() of this page to be inspectable. Call it before connect(); a second call keeps the first hook. */
export function installHook(): Hook {
  if (globalThis.__switchboard) return globalThis.__switchboard;
  let current: Probe | undefined;
  const hook: Hook = Object.assign(
    (board: Board) => {
      hook.board = board;
      current = probe(board);
    },
    {
      snapshot: () => current?.snapshot() ?? null,
      act: (action: Action) => void current?.act(action).catch(() => undefined),
    },
  );
  globalThis.__switchboard = hook;
  return hook;
}

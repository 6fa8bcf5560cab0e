// Watches one board for an inspector: the latest state, a timeline of its events and each host's last error.

import { messageOf } from '../../shared/errors.ts';
import type { BoardEvents, BoardState } from '../../shared/state.ts';
import type { Board } from '../board.ts';
import {
  type Action,
  type HostError,
  type Snapshot,
  TIMELINE_EVENTS,
  TIMELINE_LIMIT,
  type TimelineEntry,
} from './snapshot.ts';

export interface Probe {
  /** The latest snapshot, at once; it also asks the worker for a fresh state for the next call. */
  snapshot(): Snapshot;
  act(action: Action): Promise<void>;
}

const probes = new WeakMap<Board, Probe>();

/** One probe per board, so the page hook and an element on the same board share one timeline. */
export function probe(board: Board): Probe {
  let found = probes.get(board);
  if (!found) {
    found = watch(board);
    probes.set(board, found);
  }
  return found;
}

function watch(board: Board): Probe {
  const snapshot: Snapshot = { board: crypto.randomUUID(), stateAt: 0, timeline: [], errors: [] };
  const errors = new Map<number, HostError>();
  let id = 0;
  let reading = false;

  const record = (event: TimelineEntry['event'], detail: unknown) => {
    snapshot.timeline.push({ id: ++id, at: Date.now(), event, detail });
    if (snapshot.timeline.length > TIMELINE_LIMIT) snapshot.timeline.shift();
  };
  const failed = ({ host, index, reason }: BoardEvents['disconnected']) => {
    errors.set(index, { index, host, reason, at: Date.now() });
    snapshot.errors = [...errors.values()].sort((a, b) => a.index - b.index);
  };
  const seen = (state: BoardState) => {
    snapshot.state = state;
    snapshot.stateAt = Date.now();
  };
  const read = () => {
    if (reading) return;
    reading = true;
    board
      .state()
      .then(seen, (error: Error) => record('error', { what: 'inspector', reason: `state(): ${error.message}` }))
      .finally(() => {
        reading = false;
      });
  };

  for (const event of TIMELINE_EVENTS) board.on(event, (detail) => record(event, detail));
  board.on('connectFailed', failed);
  board.on('disconnected', failed);
  board.on('state', seen);
  read();

  return {
    snapshot() {
      read();
      return structuredClone(snapshot);
    },
    async act(action) {
      try {
        if (action.do === 'reconnect') await board.reconnect();
        else if (action.do === 'loadBalance') await board.setLoadBalancing(action.value);
        else await board.clearExpiry(action.index);
        read();
      } catch (error) {
        // The panel fires actions without waiting: a failed one shows in the timeline.
        record('error', { what: `inspector ${action.do}`, reason: messageOf(error) });
        throw error;
      }
    },
  };
}

// What an inspector sees of one board at one moment: plain data, so it crosses to a DevTools panel as JSON.

import type { BoardEvent, BoardState } from '../../shared/state.ts';

/** Events the timeline keeps ('state' is the snapshot itself). */
export const TIMELINE_EVENTS = [
  'connect',
  'connectFailed',
  'connected',
  'disconnected',
  'failed',
  'gap',
  'reset',
  'error',
] as const satisfies readonly BoardEvent[];

export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

export interface TimelineEntry {
  /** Counts up from 1 per board, so a viewer can tell new entries from ones it has shown. */
  id: number;
  /** Epoch ms. */
  at: number;
  event: TimelineEvent;
  detail: unknown;
}

/** The last connectFailed or disconnected reason of one host. */
export interface HostError {
  index: number;
  host: string;
  reason: string;
  at: number;
}

export interface Snapshot {
  /** Names the board (random), so a viewer starts over when the page reloads or connects again. */
  board: string;
  /** When the state was read from the worker (epoch ms); topic rates are measured against it. */
  stateAt: number;
  state?: BoardState;
  /** Oldest first, at most TIMELINE_LIMIT. */
  timeline: TimelineEntry[];
  errors: HostError[];
}

export const TIMELINE_LIMIT = 100;

/** What a viewer can ask of a board. */
export type Action = { do: 'reconnect' } | { do: 'loadBalance'; value: boolean } | { do: 'clearExpiry'; index: number };

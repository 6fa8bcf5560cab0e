// What the worker tells every tab: the state snapshot, the events, and the message stream on a tab's port.

import type { TransportType } from './protocol.ts';

export interface AttemptInfo {
  host: string;
  index: number;
  type: TransportType;
  /** Set on the attempts of a page's request (board.fetch), not of the streaming connection. */
  request?: true;
}

export type FailoverStatus = 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed';

/** The failover loop's part of the state. */
export interface FailoverState {
  status: FailoverStatus;
  /** Rounds that have failed since the last connection (or reconnect()). */
  round: number;
  /** Whether connectCount rounds have failed and 'failed' was reported. */
  failed: boolean;
  /** The attempt under way while connecting. */
  attempt?: AttemptInfo;
  /** The open connection, with its server's name and since when (epoch ms). */
  connected?: AttemptInfo & { server: string; since: number };
  /** While waiting: when the next round starts (epoch ms). */
  nextRound?: number;
  /** Hosts in try order. */
  plan: { host: string; index: number }[];
}

export interface FailoverEvents {
  connect: AttemptInfo;
  connectFailed: AttemptInfo & { reason: string };
  connected: AttemptInfo;
  disconnected: { host: string; index: number; reason: string };
  failed: { rounds: number };
  state: FailoverState;
}

/** `subscribing` until a host confirms the topic, `live` once it has, `refused` when a host said no for good. */
export type TopicState = 'subscribing' | 'live' | 'refused';

export interface TopicInfo {
  topic: string;
  state: TopicState;
  subscribers: number;
  seq: number;
  messages: number;
}

/** The broker's state: the loop's, and the topics, sends and expiries it keeps. */
export interface BrokerState extends FailoverState {
  loadBalance: boolean;
  topics: TopicInfo[];
  /** Sends not yet acknowledged. */
  pendingSends: number;
  /** Host failure expiries still running, by host as configured (epoch ms). */
  expiries: { host: string; index: number; until: number }[];
}

/** Events every tab hears; `gap` and `reset` go only to the topic's tabs. */
export interface BrokerEvents extends Omit<FailoverEvents, 'state'> {
  /** A frame, a store or a host answer that could not be used; `topic` when it concerns one topic. */
  error: { what: string; reason: string; topic?: string };
  state: BrokerState;
}

export interface BoardState extends BrokerState {
  /** 'shared': one connection for every tab; 'dedicated': this browser has no SharedWorker, one per tab. */
  mode: 'shared' | 'dedicated';
  /** Tabs attached to the worker. */
  tabs: number;
}

/** Messages of a topic that the server could no longer replay. */
export interface Gap {
  topic: string;
  from: number;
  to: number;
}

/**
 * A topic whose history began again (a host restarted without it, or another history): the messages after `last`
 * in the old history are lost, and delivery goes on from `seq` in the new one.
 */
export interface Reset {
  topic: string;
  /** The last seq delivered from the old history. */
  last: number;
  /** Where the new history stands: the next message is `seq + 1`. */
  seq: number;
  /** The new history's epoch, when the host names it: a tab resumes with it. */
  epoch?: string;
}

/** Each event's detail. */
export interface BoardEvents extends Omit<BrokerEvents, 'state'> {
  state: BoardState;
  gap: Gap;
  reset: Reset;
}

export type BoardEvent = keyof BoardEvents;

/**
 * One message as a tab receives it: topic, seq, data. Without data it only tells the tab where the topic
 * stands (its seq when the tab joined, or when the host first answered), so a tab that restores its topics
 * into a new worker resumes from there even on a topic that has had no message yet.
 */
export type Delivery = [topic: string, seq: number, data: unknown] | [topic: string, seq: number];

/** What the worker posts on a tab's port: a batch of messages, or one event. */
export type TabMessage = Delivery[] | { event: BoardEvent; detail: unknown };

// PROTOCOL.md frames, version 1: their types (encode, decode and validation to follow).

export const PROTOCOL_VERSION = 1;

export type ClientFrame =
  | { op: 'hello'; v: number }
  | { op: 'sub'; topic: string; from?: number }
  | { op: 'unsub'; topic: string }
  | { op: 'pub'; topic: string; data: unknown; id: string }
  | { op: 'ping'; t: number };

export interface WelcomeFrame { op: 'welcome'; v: number; server: string; heartbeat: number }

export type ServerFrame =
  | WelcomeFrame
  | { op: 'msg'; topic: string; seq: number; data: unknown }
  | { op: 'subscribed'; topic: string; seq: number; recovered: boolean }
  | { op: 'unsubscribed'; topic: string }
  | { op: 'ack'; id: string }
  | { op: 'nack'; id: string; error: string }
  | { op: 'pong'; t: number }
  | { op: 'drain' }
  | { op: 'error'; code: string; message: string };

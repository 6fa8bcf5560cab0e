// A transport for failover tests: each host URL answers as the test scripts it, and every call is recorded.

import type { ServerFrame } from '../../shared/protocol.ts';
import type { Connection, ConnectionListener, ConnectRequest, Transport } from '../../worker/transport.ts';

/** accept: reaches welcome; refuse: fails at once; hang: never answers. */
export type HostBehaviour = 'accept' | 'refuse' | 'hang';

export interface FakeConnection extends Connection {
  closed: boolean;
  sent: unknown[];
  /** The server side ends the connection. */
  drop(reason: string): void;
  /** The server side sends a frame. */
  push(frame: ServerFrame): void;
}

export class FakeTransport {
  readonly requests: ConnectRequest[] = [];
  readonly connections: FakeConnection[] = [];
  constructor(private readonly behaviour: (url: string, type: string) => HostBehaviour) {}

  readonly open: Transport = (request, listener) => {
    this.requests.push(request);
    const answer = this.behaviour(request.url, request.type);
    if (answer === 'refuse') return Promise.reject(new Error(`refused by ${request.url}`));
    if (answer === 'hang') return new Promise(() => undefined);
    const connection = fakeConnection(request.url, listener);
    this.connections.push(connection);
    return Promise.resolve(connection);
  };

  /** The newest open connection. */
  get live(): FakeConnection | undefined {
    return this.connections.filter((c) => !c.closed).at(-1);
  }
}

function fakeConnection(url: string, listener: ConnectionListener): FakeConnection {
  const connection: FakeConnection = {
    welcome: { op: 'welcome', v: 1, server: url, heartbeat: 15000 },
    closed: false,
    sent: [],
    send: (frame) => connection.sent.push(frame),
    close: () => {
      connection.closed = true;
    },
    drop: (reason) => {
      connection.closed = true;
      listener.closed(reason);
    },
    push: (frame) => listener.frame(frame),
  };
  return connection;
}

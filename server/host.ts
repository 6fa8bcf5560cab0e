// One reference-server host: docs/PROTOCOL.md over ws, http and poll on one port, and the switches tests turn.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { TopicErrorCode, TransportType } from '../shared/protocol.ts';
import { parse, validateClientFrame } from '../shared/protocol.ts';
import { type Backplane, type BackplaneStatus, MemoryBackplane, type Message } from './backplane.ts';
import { Client, type ClientContext } from './client.ts';
import { Fanout } from './fanout.ts';
import { allowCors, answer, readBody } from './http.ts';
import { type Log, SILENT } from './log.ts';
import { MAX_DEPTH, unpublishable } from './publishable.ts';
import { Refusals } from './refusals.ts';
import { Session } from './session.ts';
import { HostStats } from './stats.ts';

/** The defaults of ServerOptions, for `switchboard-server --print-config` to show. */
export const HOST_DEFAULTS = {
  heartbeat: 15_000,
  maxFrameBytes: 1024 * 1024,
  sessionExpiry: 30_000,
  pollWait: 25_000,
} as const;

/**
 * How long the closing frames of a shutdown get to reach clients, in ms, before the connections still open are
 * reset: long enough for a WebSocket close handshake or a poll's next request, short against a process manager's
 * kill timeout.
 */
const CLOSE_GRACE = 1000;

/** Serves more paths on the host's port (such as /metrics); resolves false for a path it does not serve. */
export type Routes = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** Whether a load balancer should send this host new clients (GET /readyz), and why not. */
export type Readiness = { ready: true } | { ready: false; reason: string };

export interface ServerOptions {
  /** Port to listen on; default 0, any free port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  hostname?: string;
  /** The name this host gives in `welcome`; default `host-PORT`. */
  name?: string;
  /** Shared by the hosts of a cluster; default a MemoryBackplane of this host alone. */
  backplane?: Backplane;
  /** Messages kept per topic by the default backplane; default 1000. */
  historyLimit?: number;
  /** The ping interval in ms that clients are told to use; default 15000. */
  heartbeat?: number;
  /** The largest frame (or /send body) accepted, in bytes; default 1 MiB. */
  maxFrameBytes?: number;
  /** How deeply a pub's data may nest arrays and objects ([1] is 1 deep); deeper is nacked `invalid`. Default 64. */
  maxDepth?: number;
  /** A session with no open stream or poll for this many ms ends; default 30000. */
  sessionExpiry?: number;
  /** The longest a poll is held before it answers []; default 25000. */
  pollWait?: number;
  /** Connection types this host refuses with 404, to test falling back to the next type. */
  refuse?: TransportType[];
  /** Topic prefixes no client may use: a sub gets `error` `forbidden`, a pub `nack` `forbidden`. */
  forbid?: string[];
  /** Where the host tells what happens to it (connections, drain, the backplane); default nowhere. */
  log?: Log;
  /** More paths served on the host's port, asked before the protocol's own (such as /metrics). */
  routes?: Routes;
}

/** `down`: killed, not listening. `blackholed`: accepts TCP, never answers. */
export type HostState = 'up' | 'blackholed' | 'down';

export interface Counts {
  /** Open connections by type (a session counts once it has streamed or polled). */
  connections: Record<TransportType, number>;
  /** Subscribers by topic. */
  subscribers: Record<string, number>;
  /** Requests for /files/ answered (of any status). */
  files: number;
}

export class Host {
  readonly backplane: Backplane;
  /** Traffic counted since the host started, for /metrics. */
  readonly stats = new HostStats();
  readonly #options: Required<
    Omit<ServerOptions, 'backplane' | 'name' | 'historyLimit' | 'refuse' | 'forbid' | 'log' | 'routes'>
  >;
  readonly #log: Log;
  readonly #routes: Routes | undefined;
  readonly #server: Server;
  readonly #sockets: WebSocketServer;
  readonly #connections = new Set<Socket>();
  readonly #clients = new Set<Client>();
  readonly #sessions = new Map<string, Session>();
  readonly #fanout = new Fanout();
  readonly #context: ClientContext;
  readonly #refusals: Refusals;
  readonly #stopListening: () => void;
  readonly #stopWatching: () => void;
  readonly #name: string | undefined;
  #refused: Set<TransportType>;
  #fileStatus = 200;
  #files = 0;
  #state: HostState = 'down';
  #port: number;
  /** Set by shutdown(): readiness is false and new connections are refused. */
  #draining = false;
  #backplaneStatus: BackplaneStatus = { up: true };

  /** Use startServer(), which also starts listening. */
  constructor(options: ServerOptions = {}) {
    this.#options = {
      port: options.port ?? 0,
      hostname: options.hostname ?? '127.0.0.1',
      heartbeat: options.heartbeat ?? HOST_DEFAULTS.heartbeat,
      maxFrameBytes: options.maxFrameBytes ?? HOST_DEFAULTS.maxFrameBytes,
      maxDepth: options.maxDepth ?? MAX_DEPTH,
      sessionExpiry: options.sessionExpiry ?? HOST_DEFAULTS.sessionExpiry,
      pollWait: options.pollWait ?? HOST_DEFAULTS.pollWait,
    };
    this.#log = options.log ?? SILENT;
    this.#routes = options.routes;
    // Frames a little over the limit are refused with an `error`; far over it, ws closes the socket (1009) unread.
    this.#sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * this.#options.maxFrameBytes });
    this.#port = this.#options.port;
    this.#refused = new Set(options.refuse);
    this.backplane = options.backplane ?? new MemoryBackplane({ historyLimit: options.historyLimit });
    this.#name = options.name;
    this.#refusals = new Refusals(options.forbid);
    const fanout = this.#fanout;
    const stats = this.stats;
    const host = this;
    this.#context = {
      get name() {
        return host.name;
      },
      heartbeat: this.#options.heartbeat,
      backplane: this.backplane,
      maxDepth: this.#options.maxDepth,
      refusals: this.#refusals,
      stats,
      answering: () => this.#state === 'up',
      subscribe: (client, topic) => fanout.add(topic, client),
      unsubscribe: (client, topic) => fanout.remove(topic, client),
    };
    this.#stopListening = this.backplane.listen((message: Message) => {
      stats.messagesIn++;
      fanout.deliver(message);
    });
    this.#stopWatching =
      this.backplane.status?.((status) => {
        const changed = status.up !== this.#backplaneStatus.up;
        this.#backplaneStatus = status;
        if (status.up) {
          if (changed) this.#log.info({ event: 'backplane-up' }, 'the backplane is reachable: pubs are taken');
          return;
        }
        this.#log.warn({ event: 'backplane-down', reason: status.reason }, `the backplane is unreachable`);
        const message = `the backplane is unavailable (${status.reason}): pubs are refused until it is back`;
        for (const client of this.#clients) client.send({ op: 'error', code: 'backplane', message });
      }) ?? (() => {});
    this.#server = createServer((request, response) => {
      // A client that goes away mid-request costs its own request, never the host.
      this.#request(request, response).catch(() => response.destroy());
    });
    this.#server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#upgrade(request, socket, head),
    );
    this.#server.on('connection', (socket: Socket) => {
      this.#connections.add(socket);
      socket.once('close', () => this.#connections.delete(socket));
    });
  }

  /** The name this host gives in `welcome`. */
  get name(): string {
    return this.#name ?? `host-${this.#port}`;
  }

  get state(): HostState {
    return this.#state;
  }

  /** False while draining, or while the backplane cannot be reached. */
  readiness(): Readiness {
    if (this.#draining) return { ready: false, reason: 'the host is draining: it is shutting down' };
    const status = this.#backplaneStatus;
    if (!status.up) return { ready: false, reason: `the backplane is unreachable (${status.reason})` };
    return { ready: true };
  }

  /** The backplane as this host last heard: reachable or not. */
  backplaneStatus(): BackplaneStatus {
    return this.#backplaneStatus;
  }

  get port(): number {
    return this.#port;
  }

  /** The base URL clients are given, such as http://127.0.0.1:8001. */
  get url(): string {
    return `http://${this.#options.hostname.includes(':') ? `[${this.#options.hostname}]` : this.#options.hostname}:${this.#port}`;
  }

  /** Starts listening (again, on the same port, after kill). */
  async listen(): Promise<void> {
    if (this.#state !== 'down') return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, this.#options.hostname, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    if (address && typeof address === 'object') this.#port = address.port;
    this.#state = 'up';
  }

  /** Like a crash: every connection reset, sessions forgotten, no longer listening. */
  async kill(): Promise<void> {
    if (this.#state === 'down') return;
    this.#state = 'down';
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#connections) socket.resetAndDestroy();
    this.#forgetClients();
    await closed;
  }

  /** Like a dead network: TCP is still accepted, but nothing is answered or read, old connections included. */
  blackhole(): void {
    if (this.#state === 'up') this.#state = 'blackholed';
  }

  /** Tells every client to move to another host now. */
  drain(): void {
    for (const client of this.#clients) client.send({ op: 'drain' });
  }

  /** Like a process restart: killed, then listening again on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.listen();
  }

  /** Ends every connection on purpose, telling each client `reason` in an `error` frame. */
  disconnect(reason: string): void {
    for (const client of [...this.#clients]) client.close('closing', reason);
  }

  /** Ends every http and poll session, as their expiry would: their next request answers 404. */
  endSessions(): void {
    for (const session of [...this.#sessions.values()]) session.end();
  }

  /**
   * Goes away gracefully: readiness turns false and new connections are refused, every client is sent `drain`,
   * every pub already received is acked or nacked (waiting `deadline` ms at most), then the host closes.
   * Resolves false when the deadline passed with pubs still unanswered.
   */
  async shutdown(deadline: number): Promise<boolean> {
    this.#draining = true;
    const clients = [...this.#clients];
    this.#log.info({ event: 'draining', clients: clients.length, deadline }, 'draining: clients are told to move on');
    this.drain();
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.all(clients.map((client) => client.idle())).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadline))),
    ]);
    clearTimeout(timer);
    if (settled) this.#log.info({ event: 'drained' }, 'every pub received was answered');
    else this.#log.warn({ event: 'drain-deadline', deadline }, `pubs still unanswered after ${deadline} ms`);
    if (this.#state === 'up') this.disconnect('the host is shutting down');
    await this.#departed(CLOSE_GRACE);
    await this.close();
    this.#log.info({ event: 'closed' }, 'closed');
    return settled;
  }

  /** Stops for good: clients are told, then the port is closed. */
  async close(): Promise<void> {
    if (this.#state === 'up') this.disconnect('the host is shutting down');
    await this.kill();
    this.#stopListening();
    this.#stopWatching();
  }

  /** Sends `text` as it is to every client, to test how clients take frames that are not valid. */
  inject(text: string): void {
    for (const client of this.#clients) client.sendText(text);
  }

  /** Publishes on the backplane as a client's pub would, checked by the same rules. */
  async publish(topic: string, data: unknown): Promise<Message> {
    const checked = validateClientFrame({ op: 'pub', topic, data, id: 'control' });
    const invalid = checked.error?.reason ?? unpublishable(data, this.#options.maxDepth);
    if (invalid) throw new Error(`publish: ${invalid}`);
    const published = await this.backplane.publish(topic, data);
    if (!published.message) throw new Error('a publish without an id cannot be a duplicate');
    return published.message;
  }

  /** The status /files/ answers with from now on: 200 serves, anything else refuses (a 503 to test board.fetch). */
  answerFiles(status: number): void {
    this.#fileStatus = status;
  }

  /** Switches the types this host refuses with 404. */
  refuse(types: TransportType[]): void {
    this.#refused = new Set(types);
  }

  /** Answers every `sub` with an `error` of this code (naming its topic) from now on; null takes subs again. */
  refuseSubscriptions(code: TopicErrorCode | null): void {
    this.#refusals.refuseSubscriptions(code);
  }

  counts(): Counts {
    const connections: Record<TransportType, number> = { ws: 0, http: 0, poll: 0 };
    for (const client of this.#clients) if (client.type) connections[client.type]++;
    return { connections, subscribers: this.#fanout.counts(), files: this.#files };
  }

  /** Resolves once every client has gone (a poll session once its last poll took what was queued), or after `ms`. */
  async #departed(ms: number): Promise<void> {
    if (this.#clients.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const check = setInterval(() => {
        if (this.#clients.size === 0) done();
      }, 20);
      function done() {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }
    });
  }

  #forgetClients(): void {
    for (const session of [...this.#sessions.values()]) session.end();
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.#state !== 'up') return;
    if (this.#draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (new URL(request.url ?? '/', 'http://host').pathname !== '/ws' || this.#refused.has('ws')) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.#sockets.handleUpgrade(request, socket, head, (ws) => this.#acceptWebSocket(ws));
  }

  #acceptWebSocket(ws: WebSocket): void {
    const client = new Client(
      this.#context,
      {
        send: (text) => ws.send(text),
        // A close reason may be at most 123 bytes.
        close: (reason) => ws.close(1000, Buffer.from(reason).subarray(0, 123).toString()),
      },
      'ws',
    );
    this.#clients.add(client);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      // Received whole anyway (up to ws's maxPayload), so a pub's id can be read and the pub nacked.
      if (bytes.length > this.#options.maxFrameBytes)
        client.tooLarge(bytes.length, this.#options.maxFrameBytes, isBinary ? undefined : bytes.toString('utf8'));
      else if (isBinary) client.refuse({ what: 'binary message', reason: 'frames are text' }, 'bad-frame');
      else client.receive(bytes.toString('utf8'));
    });
    this.#log.debug({ event: 'connected', transport: 'ws' }, 'a ws client connected');
    ws.on('close', () => {
      this.#log.debug({ event: 'disconnected', transport: 'ws' }, 'a ws client went away');
      client.end();
      this.#clients.delete(client);
    });
    ws.on('error', () => ws.terminate());
  }

  async #request(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.#state !== 'up') return;
    allowCors(response);
    if (request.method === 'OPTIONS') return answer(response, 204);
    const url = new URL(request.url ?? '/', 'http://host');
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /healthz') return answer(response, 200, JSON.stringify({ live: true }), 'application/json');
    if (route === 'GET /readyz') {
      const readiness = this.readiness();
      return answer(response, readiness.ready ? 200 : 503, JSON.stringify(readiness), 'application/json');
    }
    if (this.#routes && (await this.#routes(request, response))) return;
    if (route === 'POST /session') {
      if (this.#draining) return answer(response, 503, 'the host is draining: connect to another host');
      return this.#createSession(request, response);
    }
    if (url.pathname.startsWith('/files/')) return this.#file(request.method ?? 'GET', url.pathname, response);
    if (route !== 'GET /stream' && route !== 'GET /poll' && route !== 'POST /send')
      return answer(response, 404, 'not found');
    const session = this.#sessions.get(url.searchParams.get('session') ?? '');
    if (!session) return answer(response, 404, 'unknown session');
    const answering = () => this.#state === 'up';
    if (route === 'GET /stream') {
      if (this.#refused.has('http')) return answer(response, 404, 'this host does not serve http streaming');
      return session.stream(request, response, answering);
    }
    if (route === 'GET /poll') {
      if (this.#refused.has('poll')) return answer(response, 404, 'this host does not serve long polling');
      return session.poll(request, response, answering);
    }
    return this.#send(session, request, response);
  }

  async #createSession(request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.resume();
    const times = {
      expiry: this.#options.sessionExpiry,
      pollWait: this.#options.pollWait,
      keepAlive: Math.min(this.#options.heartbeat, 15_000),
    };
    const session = new Session(
      times,
      (output) => new Client(this.#context, output),
      (ended) => {
        this.#sessions.delete(ended.id);
        this.#clients.delete(ended.client);
      },
    );
    this.#log.debug({ event: 'session' }, 'an http or poll session began');
    this.#sessions.set(session.id, session);
    this.#clients.add(session.client);
    answer(response, 200, JSON.stringify({ session: session.id }), 'application/json');
  }

  /** /files/*: what a resolved URL or board.fetch reaches: which host answered, to which method and path. */
  #file(method: string, path: string, response: ServerResponse): void {
    this.#files++;
    if (this.#fileStatus === 200)
      answer(response, 200, JSON.stringify({ host: this.name, method, path }), 'application/json');
    else answer(response, this.#fileStatus, `${this.name} answers ${this.#fileStatus}`);
  }

  /** POST /send: a JSON array of frames, each handled in order. */
  async #send(session: Session, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, this.#options.maxFrameBytes);
    if (this.#state !== 'up') return;
    if ('tooLarge' in body) {
      session.client.tooLarge(body.tooLarge, this.#options.maxFrameBytes);
      return answer(response, 413, `a /send body may be at most ${this.#options.maxFrameBytes} bytes`);
    }
    const parsed = parse(body.text);
    if (parsed.error || !Array.isArray(parsed.value)) {
      const reason = '/send takes a JSON array of frames';
      session.client.refuse(
        parsed.error ?? { what: body.text.slice(0, 200), reason },
        parsed.error ? 'bad-json' : 'bad-frame',
      );
      return answer(response, 400, reason);
    }
    for (const frame of parsed.value) session.client.receiveValue(frame);
    answer(response, 204);
  }
}

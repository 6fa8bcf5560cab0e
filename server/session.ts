// The sessions of `http` and `poll` clients: a queue of frames down, read by /stream or /poll, that expires unread.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from './client.ts';

export interface SessionTimes {
  /** A session with no open stream or poll for this long ends. */
  expiry: number;
  /** The longest a poll waits before answering `[]`. */
  pollWait: number;
  /** The interval of keep-alive comments on a stream. */
  keepAlive: number;
}

export class Session {
  readonly id = randomUUID();
  readonly client: Client;
  readonly #times: SessionTimes;
  readonly #onEnd: (session: Session) => void;
  #queue: string[] = [];
  #stream: ServerResponse | undefined;
  #poll: { response: ServerResponse; timer: NodeJS.Timeout } | undefined;
  #expiry: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #ended = false;
  #closing = false;

  constructor(times: SessionTimes, makeClient: (output: Session) => Client, onEnd: (session: Session) => void) {
    this.#times = times;
    this.#onEnd = onEnd;
    this.client = makeClient(this);
    this.#detached();
  }

  /** ClientOutput: a frame goes down the open stream, or waits for the next read. */
  send(text: string): void {
    if (this.#stream) this.#stream.write(`data: ${text}\n\n`);
    else {
      this.#queue.push(text);
      if (this.#poll) this.#answerPoll();
    }
  }

  /** ClientOutput: the session ends once what is queued (the reason, in an `error` frame) has gone down. */
  close(): void {
    if (this.#poll) this.#answerPoll();
    // Between two polls: the next poll takes the queue, then the session ends.
    if (!this.#stream && this.#queue.length > 0) this.#closing = true;
    else this.end();
  }

  /** GET /stream: an event stream of every frame from now on, replacing an older stream. */
  stream(request: IncomingMessage, response: ServerResponse, answering: () => boolean): void {
    this.client.type ??= 'http';
    this.#stream?.end();
    this.#attached();
    this.#stream = response;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    // The comment sends the headers at once, so the client's fetch resolves before any frame.
    response.write(':\n\n');
    for (const text of this.#queue) response.write(`data: ${text}\n\n`);
    this.#queue = [];
    this.#keepAlive = setInterval(() => answering() && response.write(':\n\n'), this.#times.keepAlive);
    request.once('close', () => {
      if (this.#stream !== response) return;
      clearInterval(this.#keepAlive);
      this.#stream = undefined;
      this.#detached();
    });
  }

  /** GET /poll: answers what is queued, or waits for a frame, or answers [] after pollWait. */
  poll(request: IncomingMessage, response: ServerResponse, answering: () => boolean): void {
    this.client.type ??= 'poll';
    if (this.#poll) this.#answerPoll();
    this.#attached();
    const timer = setTimeout(() => answering() && this.#answerPoll(), this.#times.pollWait);
    this.#poll = { response, timer };
    if (this.#queue.length > 0) this.#answerPoll();
    if (this.#closing) {
      this.end();
      return;
    }
    request.once('close', () => {
      if (this.#poll?.response !== response) return;
      clearTimeout(timer);
      this.#poll = undefined;
      this.#detached();
    });
  }

  /** Forgets the session: later requests on it answer 404. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#expiry);
    clearInterval(this.#keepAlive);
    // A stream or poll still open is answered as a later request would be.
    this.#stream?.end();
    if (this.#poll) {
      clearTimeout(this.#poll.timer);
      this.#poll.response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('unknown session');
    }
    this.client.end();
    this.#onEnd(this);
  }

  #answerPoll(): void {
    if (!this.#poll) return;
    const { response, timer } = this.#poll;
    clearTimeout(timer);
    this.#poll = undefined;
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(`[${this.#queue.join(',')}]`);
    this.#queue = [];
    this.#detached();
  }

  #attached(): void {
    clearTimeout(this.#expiry);
  }

  #detached(): void {
    clearTimeout(this.#expiry);
    if (!this.#ended && !this.#stream && !this.#poll) this.#expiry = setTimeout(() => this.end(), this.#times.expiry);
  }
}

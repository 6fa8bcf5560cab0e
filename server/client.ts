// One client connection on a host, whatever its type: hello, sub with replay, unsub, pub, ping.

import { messageOf } from '../shared/errors.ts';
import type { TransportType } from '../shared/protocol.ts';
import {
  type ClientFrame,
  encode,
  type FrameError,
  MAX_ID_LENGTH,
  PROTOCOL_VERSION,
  parse,
  type ServerFrame,
  validateClientFrame,
} from '../shared/protocol.ts';
import type { Backplane, Message } from './backplane.ts';

/** What a client needs from its host. */
export interface ClientContext {
  readonly name: string;
  readonly heartbeat: number;
  readonly backplane: Backplane;
  /** False while the host is blackholed: nothing is read or written. */
  answering(): boolean;
  subscribe(client: Client, topic: string): void;
  unsubscribe(client: Client, topic: string): void;
}

/** How a client's frames leave: the WebSocket or the HTTP session under it. */
export interface ClientOutput {
  send(text: string): void;
  /** Ends the connection on purpose; `reason` has already gone out in an `error` frame. */
  close(reason: string): void;
}

interface Subscription {
  /** The newest seq this client was sent. */
  seq: number;
  /** Live messages that arrive while the replay is read; undefined once it is sent. */
  pending: Message[] | undefined;
}

export class Client {
  /** The connection type; a session has none until its first /stream or /poll. */
  type: TransportType | undefined;
  readonly #context: ClientContext;
  readonly #output: ClientOutput;
  readonly #subscriptions = new Map<string, Subscription>();
  #welcomed = false;
  #ended = false;
  #turn: Promise<void> = Promise.resolve();

  constructor(context: ClientContext, output: ClientOutput, type?: TransportType) {
    this.#context = context;
    this.#output = output;
    this.type = type;
  }

  get topics(): Iterable<string> {
    return this.#subscriptions.keys();
  }

  /** A frame's text as it arrived. */
  receive(text: string): void {
    const parsed = parse(text);
    if (parsed.error) this.refuse(parsed.error, 'bad-json');
    else this.receiveValue(parsed.value);
  }

  /** A frame already parsed from JSON (one element of a /send batch). */
  receiveValue(value: unknown): void {
    const result = validateClientFrame(value);
    if (!result.error) {
      this.#next(() => this.#handle(result.frame));
      return;
    }
    // A pub whose id is usable gets a nack, so the sender learns its publish failed.
    const id = (value as { op?: unknown; id?: unknown } | null)?.id;
    if (result.error.what === 'pub' && typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH) {
      this.#next(() =>
        this.#welcomed
          ? this.send({ op: 'nack', id, error: result.error.reason })
          : this.#reject(result.error, 'bad-frame'),
      );
    } else {
      this.refuse(result.error, 'bad-frame');
    }
  }

  /** A frame over the host's size limit: refused unread. */
  tooLarge(bytes: number, limit: number): void {
    this.refuse({ what: `${bytes} bytes`, reason: `a frame may be at most ${limit} bytes` }, 'too-large');
  }

  /** Answers a frame that cannot be used with `error`; before hello, that ends the connection. */
  refuse(error: FrameError, code: string): void {
    this.#next(() => this.#reject(error, code));
  }

  /** A message published on the backplane; `text` is its `msg` frame, encoded once for every client. */
  deliver(message: Message, text: string): void {
    const subscription = this.#subscriptions.get(message.topic);
    if (!subscription) return;
    if (subscription.pending) subscription.pending.push(message);
    else if (message.seq > subscription.seq) {
      subscription.seq = message.seq;
      this.#write(text);
    }
  }

  send(frame: ServerFrame): void {
    this.#write(encode(frame));
  }

  /** Sends text as one frame, unchecked. */
  sendText(text: string): void {
    this.#write(text);
  }

  /** Ends the connection on purpose, telling the client why in an `error` frame. */
  close(code: string, message: string): void {
    if (this.#ended) return;
    this.send({ op: 'error', code, message });
    this.#output.close(message);
    this.end();
  }

  /** The connection is gone: forget its subscriptions. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const topic of this.#subscriptions.keys()) this.#context.unsubscribe(this, topic);
    this.#subscriptions.clear();
  }

  #write(text: string): void {
    if (!this.#ended && this.#context.answering()) this.#output.send(text);
  }

  // Frames are handled one after another, so answers keep the order of requests and pubs the order of sending.
  #next(work: () => void | Promise<void>): void {
    if (this.#ended || !this.#context.answering()) return;
    this.#turn = this.#turn
      .then(() => {
        if (!this.#ended && this.#context.answering()) return work();
      })
      // A bug here must cost one connection, never the host.
      .catch((error: unknown) => this.close('internal', `the host failed: ${messageOf(error)}`));
  }

  #reject(error: FrameError, code: string): void {
    const message = `${error.what}: ${error.reason}`;
    if (this.#welcomed) this.send({ op: 'error', code, message });
    else this.close('no-hello', `${message} (the first frame must be hello)`);
  }

  #handle(frame: ClientFrame): void | Promise<void> {
    if (!this.#welcomed && frame.op !== 'hello') {
      return this.close('no-hello', `${frame.op}: the first frame must be hello`);
    }
    switch (frame.op) {
      case 'hello':
        if (this.#welcomed) return this.send({ op: 'error', code: 'bad-frame', message: 'hello: already welcomed' });
        if (frame.v !== PROTOCOL_VERSION) {
          return this.close('version', `hello: this host speaks protocol version ${PROTOCOL_VERSION}, not ${frame.v}`);
        }
        this.#welcomed = true;
        return this.send({
          op: 'welcome',
          v: PROTOCOL_VERSION,
          server: this.#context.name,
          heartbeat: this.#context.heartbeat,
        });
      case 'sub':
        return this.#subscribe(frame.topic, frame.from);
      case 'unsub':
        if (this.#subscriptions.delete(frame.topic)) this.#context.unsubscribe(this, frame.topic);
        return this.send({ op: 'unsubscribed', topic: frame.topic });
      case 'pub':
        return this.#publish(frame.topic, frame.data, frame.id);
      case 'ping':
        return this.send({ op: 'pong', t: frame.t });
    }
  }

  async #subscribe(topic: string, from: number | undefined): Promise<void> {
    const subscription: Subscription = { seq: 0, pending: [] };
    if (!this.#subscriptions.has(topic)) this.#context.subscribe(this, topic);
    this.#subscriptions.set(topic, subscription);
    const { backplane } = this.#context;
    try {
      const replay =
        from === undefined
          ? { messages: [], seq: await backplane.seq(topic), recovered: true }
          : await backplane.since(topic, from);
      // Unsubscribed, or subscribed again, while the replay was read.
      if (this.#subscriptions.get(topic) !== subscription) return;
      const pending = subscription.pending ?? [];
      subscription.pending = undefined;
      for (const message of replay.messages) this.deliver(message, encode({ op: 'msg', ...message }));
      subscription.seq = Math.max(subscription.seq, replay.seq);
      this.send({ op: 'subscribed', topic, seq: replay.seq, recovered: replay.recovered });
      for (const message of pending) this.deliver(message, encode({ op: 'msg', ...message }));
    } catch (error) {
      if (this.#subscriptions.get(topic) === subscription) {
        this.#subscriptions.delete(topic);
        this.#context.unsubscribe(this, topic);
      }
      this.send({ op: 'error', code: 'backplane', message: `sub ${topic}: ${messageOf(error)}` });
    }
  }

  async #publish(topic: string, data: unknown, id: string): Promise<void> {
    try {
      await this.#context.backplane.publish(topic, data, id);
      this.send({ op: 'ack', id });
    } catch (error) {
      this.send({ op: 'nack', id, error: messageOf(error) });
    }
  }
}

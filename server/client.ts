// One client connection on a host, whatever its type: hello, sub with replay, unsub, pub, ping.

import { messageOf } from '../shared/errors.ts';
import type { TransportType } from '../shared/protocol.ts';
import {
  type ClientFrame,
  encode,
  type FrameError,
  MAX_ID_LENGTH,
  type NackCode,
  PROTOCOL_VERSION,
  parse,
  type ServerFrame,
  type TopicErrorCode,
  validateClientFrame,
} from '../shared/protocol.ts';
import { type Backplane, BackplaneError, type Message, type Replay } from './backplane.ts';
import { msgText } from './fanout.ts';
import { unpublishable } from './publishable.ts';
import type { Refusals } from './refusals.ts';
import type { HostStats } from './stats.ts';

/** What a client needs from its host. */
export interface ClientContext {
  readonly name: string;
  readonly heartbeat: number;
  readonly backplane: Backplane;
  /** How deeply a pub's data may nest (ServerOptions.maxDepth). */
  readonly maxDepth: number;
  /** Topics refused before the backplane is asked. */
  readonly refusals: Refusals;
  /** Counted as frames go out and pubs are answered. */
  readonly stats: HostStats;
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
  /** Live messages, with their `msg` text, that arrive while the replay is read; undefined once it is sent. */
  pending: [Message, string][] | undefined;
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
    this.#refuseFrame(value, result.error, { code: 'invalid', error: result.error.reason }, 'bad-frame');
  }

  /**
   * A frame over the host's size limit: refused. `text`, when the frame was received whole anyway, is read only
   * to find a pub's id, so its sender learns that this publish failed.
   */
  tooLarge(bytes: number, limit: number, text?: string): void {
    const error = { what: `${bytes} bytes`, reason: `a frame may be at most ${limit} bytes (maxFrameBytes)` };
    const nack = { code: 'too-large' as const, error: `${error.what}: ${error.reason}` };
    this.#refuseFrame(text === undefined ? undefined : parse(text).value, error, nack, 'too-large');
  }

  /** Answers a frame that cannot be used with `error`; before hello, that ends the connection. */
  refuse(error: FrameError, code: string): void {
    this.#next(() => this.#reject(error, code));
  }

  /** A message published on the backplane; `text` is its `msg` frame, encoded once for every client. */
  deliver(message: Message, text: string): void {
    const subscription = this.#subscriptions.get(message.topic);
    if (!subscription) return;
    if (subscription.pending) subscription.pending.push([message, text]);
    else if (message.seq > subscription.seq) {
      subscription.seq = message.seq;
      if (this.#write(text) && this.type) this.#context.stats.messagesOut[this.type]++;
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

  /** Resolves once every frame received so far has been handled: each pub acked or nacked. */
  async idle(): Promise<void> {
    let turn: Promise<void>;
    do {
      turn = this.#turn;
      await turn;
    } while (turn !== this.#turn);
  }

  /** True when the text went out. */
  #write(text: string): boolean {
    if (this.#ended || !this.#context.answering()) return false;
    this.#output.send(text);
    return true;
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

  // A pub whose id is usable gets a nack, so the sender learns its publish failed; anything else, an error.
  #refuseFrame(value: unknown, error: FrameError, nack: { code: NackCode; error: string }, errorCode: string): void {
    const { op, id } = (value ?? {}) as { op?: unknown; id?: unknown };
    if (op === 'pub' && typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH) {
      this.#next(() => (this.#welcomed ? this.#nack(id, nack.code, nack.error) : this.#reject(error, errorCode)));
    } else {
      this.refuse(error, errorCode);
    }
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
          epoch: this.#context.backplane.epoch(),
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
    const refusal = this.#context.refusals.sub(topic);
    if (refusal) return this.#refuseTopic(topic, refusal.code, refusal.reason);
    const subscription: Subscription = { seq: 0, pending: [] };
    if (!this.#subscriptions.has(topic)) this.#context.subscribe(this, topic);
    this.#subscriptions.set(topic, subscription);
    const { backplane } = this.#context;
    let replay: Replay;
    try {
      replay =
        from === undefined
          ? { messages: [], seq: await backplane.seq(topic), recovered: true }
          : await backplane.since(topic, from);
    } catch (error) {
      // Transient whatever went wrong: the client retries the sub with backoff.
      if (this.#subscriptions.get(topic) === subscription) this.#refuseTopic(topic, 'unavailable', messageOf(error));
      return;
    }
    // Unsubscribed, or subscribed again, while the replay was read.
    if (this.#subscriptions.get(topic) !== subscription) return;
    const pending = subscription.pending ?? [];
    subscription.pending = undefined;
    let recovered = replay.recovered;
    for (const message of replay.messages) {
      const text = msgText(message);
      // A stored message no client can be sent is skipped, and the replay says so, rather than losing the sub.
      if (text === undefined) recovered = false;
      else this.deliver(message, text);
    }
    subscription.seq = Math.max(subscription.seq, replay.seq);
    this.send({ op: 'subscribed', topic, seq: replay.seq, recovered, epoch: backplane.epoch() });
    for (const [message, text] of pending) this.deliver(message, text);
  }

  /** Answers a sub with an `error` naming its topic; the topic is no longer subscribed. */
  #refuseTopic(topic: string, code: TopicErrorCode, reason: string): void {
    if (this.#subscriptions.delete(topic)) this.#context.unsubscribe(this, topic);
    this.send({ op: 'error', code, topic, message: `sub ${topic}: ${reason}` });
  }

  async #publish(topic: string, data: unknown, id: string): Promise<void> {
    const refusal = this.#context.refusals.pub(topic);
    if (refusal) return this.#nack(id, refusal.code, refusal.reason);
    // Checked before the backplane gives it a seq, so no seq is spent on a message that cannot be delivered.
    const invalid = unpublishable(data, this.#context.maxDepth);
    if (invalid) return this.#nack(id, 'invalid', invalid);
    try {
      await this.#context.backplane.publish(topic, data, id);
      this.#context.stats.pubsAcked++;
      this.send({ op: 'ack', id });
    } catch (error) {
      // Only a BackplaneError says whether it published; anything else may have, so the client retries.
      this.#nack(id, error instanceof BackplaneError ? error.code : 'unknown', messageOf(error));
    }
  }

  #nack(id: string, code: NackCode, error: string): void {
    this.#context.stats.nacked(code);
    this.send({ op: 'nack', id, code, error });
  }
}

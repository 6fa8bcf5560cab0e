// A ConnectionListener that keeps what it is told, for transport tests to await.

import { realClock } from '../../shared/clock.ts';
import type { ServerFrame } from '../../shared/protocol.ts';
import type { Connection, ConnectionListener } from '../../worker/transport.ts';
import type { TransportType } from '../../shared/protocol.ts';
import { transports } from '../../worker/transports/index.ts';

export class Recorder implements ConnectionListener {
  readonly frames: ServerFrame[] = [];
  readonly protocolErrors: { what: string; reason: string }[] = [];
  readonly closedWith: string[] = [];
  /** Resolves with the reason given to closed(). */
  readonly ended: Promise<string>;
  #onClosed!: (reason: string) => void;
  #wake: () => void = () => {};

  constructor() {
    this.ended = new Promise((resolve) => (this.#onClosed = resolve));
  }

  frame(frame: ServerFrame): void {
    this.frames.push(frame);
    this.#wake();
  }

  closed(reason: string): void {
    this.closedWith.push(reason);
    this.#onClosed(reason);
  }

  protocolError(what: string, reason: string): void {
    this.protocolErrors.push({ what, reason });
    this.#wake();
  }

  /** Every frame up to and including the next with this op (rejects after `timeout` ms). */
  async upTo(op: ServerFrame['op'], timeout = 5000): Promise<ServerFrame[]> {
    const index = await this.#find(op, timeout);
    return this.frames.splice(0, index + 1);
  }

  /** The first frame with this op, taken out; frames of other ops stay. */
  async next<Op extends ServerFrame['op']>(op: Op, timeout = 5000): Promise<Extract<ServerFrame, { op: Op }>> {
    const index = await this.#find(op, timeout);
    return this.frames.splice(index, 1)[0] as Extract<ServerFrame, { op: Op }>;
  }

  async #find(op: ServerFrame['op'], timeout: number): Promise<number> {
    const deadline = performance.now() + timeout;
    for (;;) {
      const index = this.frames.findIndex((frame) => frame.op === op);
      if (index >= 0) return index;
      if (performance.now() > deadline)
        throw new Error(`no ${op} within ${timeout} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

/** Opens one connection of `type` to `url` with a new Recorder. */
export async function open(
  type: TransportType,
  url: string,
  signal = new AbortController().signal,
): Promise<{ connection: Connection; recorder: Recorder }> {
  const recorder = new Recorder();
  const connection = await transports[type]({ url, type, signal, clock: realClock }, recorder);
  return { connection, recorder };
}

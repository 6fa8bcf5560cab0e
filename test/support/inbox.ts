// The frames a test client got from a host, kept in order for the test to take: the one inbox of browser and Node tests.

import type { ServerFrame } from '../../shared/protocol.ts';
import { until } from './until.ts';

export type FrameOf<Op extends ServerFrame['op']> = Extract<ServerFrame, { op: Op }>;

export class Inbox {
  /** Frames not yet taken, oldest first. */
  readonly frames: ServerFrame[] = [];

  push(frame: ServerFrame): void {
    this.frames.push(frame);
  }

  /**
   * The oldest frame with this op not yet taken, taken out; frames of other ops stay, in order, for later calls.
   * Rejects after `ms` with the frames that did come.
   */
  async next<Op extends ServerFrame['op']>(op: Op, ms = 5000): Promise<FrameOf<Op>> {
    const index = await this.#find(op, ms);
    return this.frames.splice(index, 1)[0] as FrameOf<Op>;
  }

  /** Every frame not yet taken up to and including the oldest with this op, all taken out. */
  async upTo(op: ServerFrame['op'], ms = 5000): Promise<ServerFrame[]> {
    const index = await this.#find(op, ms);
    return this.frames.splice(0, index + 1);
  }

  async #find(op: ServerFrame['op'], ms: number): Promise<number> {
    const found = await until(
      `a ${op} frame`,
      () => {
        const index = this.frames.findIndex((frame) => frame.op === op);
        return index >= 0 && { index };
      },
      ms,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; got ${JSON.stringify(this.frames)}`);
    });
    return found.index;
  }
}

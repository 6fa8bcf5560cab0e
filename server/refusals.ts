// The subs and pubs a host refuses before asking its backplane: forbidden topic prefixes, and a switch tests turn.

import type { TopicErrorCode } from '../shared/protocol.ts';

/** Why a topic is refused, and the code its `error` or `nack` carries. */
export interface Refusal {
  code: TopicErrorCode;
  reason: string;
}

export class Refusals {
  readonly #forbid: readonly string[];
  #subscriptions: TopicErrorCode | null = null;

  /** `forbid`: topic prefixes no client may subscribe or publish to. */
  constructor(forbid: readonly string[] = []) {
    this.#forbid = [...forbid];
  }

  /** Answers every sub with an `error` of this code from now on; null takes subs again. */
  refuseSubscriptions(code: TopicErrorCode | null): void {
    this.#subscriptions = code;
  }

  sub(topic: string): Refusal | undefined {
    return (
      this.#forbidden(topic) ??
      (this.#subscriptions
        ? { code: this.#subscriptions, reason: 'this host refuses subscriptions for now' }
        : undefined)
    );
  }

  pub(topic: string): Refusal | undefined {
    return this.#forbidden(topic);
  }

  #forbidden(topic: string): Refusal | undefined {
    const prefix = this.#forbid.find((forbidden) => topic.startsWith(forbidden));
    return prefix === undefined
      ? undefined
      : { code: 'forbidden', reason: `this host forbids topics that start with "${prefix}"` };
  }
}

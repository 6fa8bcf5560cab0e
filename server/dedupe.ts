// Publish ids seen recently, so a pub sent again after a failover is published once.

export class Dedupe {
  // Insertion order is expiry order, so expired ids are always at the front.
  readonly #seen = new Map<string, number>();

  constructor(readonly window: number) {}

  /** True the first time `id` is seen within the window. */
  claim(id: string, now = Date.now()): boolean {
    for (const [old, expires] of this.#seen) {
      if (expires > now) break;
      this.#seen.delete(old);
    }
    if (this.#seen.has(id)) return false;
    this.#seen.set(id, now + this.window);
    return true;
  }
}

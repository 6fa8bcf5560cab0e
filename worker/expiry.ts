// Host failure expiries, kept in IndexedDB (idb-keyval) so every tab and worker honours them, with a memory fallback.

import { createStore, del, entries, get, type UseStore, update } from 'idb-keyval';
import type { Clock } from '../shared/clock.ts';
import { messageOf } from '../shared/errors.ts';

/** When each host (by base URL) may be tried again, in epoch milliseconds. */
export interface ExpiryStore {
  /** The host's failedUntil, or 0 if it has none. */
  until(url: string): Promise<number>;
  fail(url: string, until: number): Promise<void>;
  clear(url: string): Promise<void>;
  all(): Promise<Map<string, number>>;
}

export function memoryExpiryStore(): ExpiryStore {
  const expiries = new Map<string, number>();
  return {
    until: async (url) => expiries.get(url) ?? 0,
    fail: async (url, until) => {
      expiries.set(url, Math.max(expiries.get(url) ?? 0, until));
    },
    clear: async (url) => {
      expiries.delete(url);
    },
    all: async () => new Map(expiries),
  };
}

/**
 * Expiries in the IndexedDB database `switchboard-{name}`. Every write is also kept in
 * memory, so when IndexedDB cannot open, hangs or throws mid-run, the store says so once
 * through `warn` and carries on from memory: failover still honours what it has seen.
 */
export function idbExpiryStore(
  name: string,
  warn: (message: string) => void,
  clock: Clock,
  timeoutMs = 1000,
): ExpiryStore {
  const memory = memoryExpiryStore();
  let db: UseStore | undefined;
  try {
    db = createStore(`switchboard-${name}`, 'host-failures');
  } catch (error) {
    warn(`IndexedDB unavailable (${messageOf(error)}): host failures are kept in memory for this worker only`);
  }

  const attempt = async <T>(what: string, run: (store: UseStore) => Promise<T>): Promise<T | undefined> => {
    if (db === undefined) return undefined;
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([run(db), timeout]);
    } catch (error) {
      db = undefined;
      warn(`IndexedDB failed to ${what} (${messageOf(error)}): host failures are kept in memory for this worker only`);
      return undefined;
    } finally {
      clock.clearTimeout(timer);
    }
  };

  return {
    async until(url) {
      const stored = await attempt('read', (store) => get<number>(url, store));
      return Math.max(stored ?? 0, await memory.until(url));
    },
    async fail(url, until) {
      await memory.fail(url, until);
      await attempt('write', (store) => update<number>(url, (old) => Math.max(old ?? 0, until), store));
    },
    async clear(url) {
      await memory.clear(url);
      await attempt('write', (store) => del(url, store));
    },
    async all() {
      const result = await memory.all();
      for (const [url, until] of (await attempt('read', (store) => entries<string, number>(store))) ?? []) {
        result.set(url, Math.max(until, result.get(url) ?? 0));
      }
      return result;
    },
  };
}

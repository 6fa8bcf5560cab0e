// Switchboard's page entry: connect() attaches this tab to the shared worker and hands back a Board.

import { type Remote, transfer, transferHandlers, wrap } from 'comlink';
import { ConfigError, receiveErrors, SwitchboardError } from '../shared/errors.ts';
import type { BoardEvent, Reset, TabMessage } from '../shared/state.ts';
import type { TabApi } from '../shared/tab-api.ts';
import { VERSION } from '../shared/version.ts';
import type { Board, ConnectOptions, MessageInfo } from './board.ts';

export type { ConnectionType, Group, Server, SwitchboardConfig } from '../shared/config.ts';
export type { ErrorCode } from '../shared/errors.ts';
export type { BoardEvent, BoardEvents, BoardState, Gap, Reset, TopicState } from '../shared/state.ts';
export type { Board, ConnectOptions, FetchInit, MessageInfo } from './board.ts';
export { ConfigError, SwitchboardError, VERSION };

type OnMessage = (data: unknown, info: MessageInfo) => void;

/** A topic of this tab: its listeners, and the last seq seen in which history, to resume from in a new worker. */
interface Topic {
  listeners: Set<OnMessage>;
  held: Promise<unknown>;
  seq?: number;
  epoch?: string | undefined;
}

/** One attachment to a running worker; `gone` resolves to GONE when that worker dies or this tab lets the link go. */
interface Link {
  tab: Remote<TabApi<MessagePort>>;
  gone: Promise<typeof GONE>;
  releaseLock(): void;
  close(): void;
}

/** How long a worker may take to start and answer a tab's attach before connect() rejects with worker-failed. */
const WORKER_START_TIMEOUT = 15_000;

const GONE = Symbol('worker gone');

export async function connect(options: ConnectOptions): Promise<Board> {
  // Errors from the worker arrive with their class, code and path.
  receiveErrors(transferHandlers);
  const name = options.name ?? `switchboard@${VERSION}`;
  const url = new URL(options.worker ?? new URL('./switchboard-worker.js', import.meta.url), location.href);
  // Safari ignores options.name: a name in the URL keeps workers apart in every engine.
  url.searchParams.set('name', name);
  /** This tab's topics: their listeners, and the last seq seen, to resume from in a new worker. */
  const topics = new Map<string, Topic>();
  const events = new Map<BoardEvent, Set<(detail: never) => void>>();
  /** Why this board is closed, which its calls reject with; '' while it is open. */
  let closed = '';

  const dispatch = ({ data }: MessageEvent<TabMessage>) => {
    if (Array.isArray(data)) {
      for (const item of data) {
        const [topic, seq, payload] = item;
        const entry = topics.get(topic);
        // After a worker restart, another tab may have resumed the topic from an earlier seq.
        if (!entry || seq <= (entry.seq ?? -1)) continue;
        entry.seq = seq;
        // An item without data only says where the topic stands.
        if (item.length > 2) for (const listener of entry.listeners) guard(() => listener(payload, { topic, seq }));
      }
    } else {
      const { event, detail } = data as { event: BoardEvent; detail: { host: string; index: number } & Reset };
      // A topic whose history began again: its next message counts from the new history's seq.
      const reset = event === 'reset' && topics.get(detail.topic);
      if (reset) {
        reset.seq = detail.seq;
        reset.epoch = detail.epoch;
      }
      for (const listener of events.get(event) ?? []) guard(() => listener(detail as never));
      // Flowplayer's callbacks, another way to write board.on().
      const flowplayer = {
        connect: options.onConnect,
        connectFailed: options.onConnectFailed,
        failed: options.onFailed,
      }[event as string];
      if (flowplayer) guard(() => flowplayer(detail.host, detail.index));
    }
  };

  const open = async (): Promise<Link> => {
    const tabLock = `switchboard-tab:${crypto.randomUUID()}`;
    let releaseLock!: () => void;
    await new Promise<void>((held) => {
      void navigator.locks.request(
        tabLock,
        () =>
          new Promise<void>((release) => {
            releaseLock = release;
            held();
          }),
      );
    });
    const init = { type: 'module', name, extendedLifetime: true } as WorkerOptions;
    const worker = typeof SharedWorker === 'function' ? new SharedWorker(url, init) : new Worker(url, init);
    const endpoint = 'port' in worker ? worker.port : worker;
    const tab = wrap<TabApi<MessagePort>>(endpoint);
    const channel = new MessageChannel();
    channel.port1.onmessage = dispatch;
    const failed = new Promise<never>((_, reject) => {
      const fail = () =>
        reject(new SwitchboardError('worker-failed', `Switchboard: the worker script ${url.pathname} failed to start`));
      worker.onerror = fail;
      // Chromium does not always fire `error` for a SharedWorker whose script is missing: a deadline says it instead.
      setTimeout(fail, WORKER_START_TIMEOUT);
    });
    // A call under way on a link the tab lets go (back from the back/forward cache, close()) would never hear its
    // answer on the closed port: it runs again on the next link (a send with its id, so it is published once).
    let letGo!: (gone: typeof GONE) => void;
    const dropped = new Promise<typeof GONE>((resolve) => {
      letGo = resolve;
    });
    const close = () => {
      releaseLock();
      channel.port1.close();
      if ('port' in worker) worker.port.close();
      letGo(GONE);
    };
    try {
      const { config, reconfigure, store } = options;
      const request = { version: VERSION, config, reconfigure, store, tabLock, port: channel.port2 };
      const { workerLock } = await Promise.race([tab.attach(transfer(request, [channel.port2])), failed]);
      // The worker's lock comes to us only when the worker is gone: start another and restore.
      const dies: Promise<typeof GONE> = navigator.locks.request(workerLock, () => {
        if (!closed) restart();
        return GONE;
      });
      const gone = Promise.race([dies, dropped]);
      return { tab, gone, releaseLock, close };
    } catch (error) {
      close();
      throw error;
    }
  };

  let link = open();
  await link;

  const restart = () => {
    link.then(
      (old) => old.close(),
      () => undefined,
    );
    // A restart keeps connect()'s rule: only a board that asked to reconfigure replaces a running worker's other
    // config. Any other is refused, and then closes and says why (an `error` event; calls reject with 'closed'),
    // rather than adopt that config: it never chose those hosts, and its topics would resume from seqs of another
    // cluster, where a seq it has seen may not be the same message. Its page can connect() again, knowingly.
    link = open().catch((error: SwitchboardError) => {
      if (!closed) {
        closed = `Switchboard: this board is closed: ${error.message}`;
        dispatch({ data: { event: 'error', detail: { what: error.code, reason: error.message } } } as MessageEvent);
      }
      throw new SwitchboardError('closed', closed);
    });
    // A topic the new worker refuses is told by its events; a closed board has nothing to restore.
    link
      .then(({ tab }) =>
        Promise.all(
          [...topics].map(async ([topic, entry]) => {
            entry.epoch = await tab.subscribe(topic, entry.seq, entry.epoch);
          }),
        ),
      )
      .catch(() => undefined);
  };

  /** Runs a command on the worker; if the worker dies under it, or the tab lets its link go, runs it again on the next. */
  const call = async <T>(run: (tab: Remote<TabApi<MessagePort>>) => Promise<T>): Promise<T> => {
    for (;;) {
      if (closed) throw new SwitchboardError('closed', closed);
      const current = await link;
      const result = await Promise.race([run(current.tab), current.gone]);
      if (result !== GONE) return result as T;
    }
  };

  const goodbye = () =>
    void link.then(
      ({ tab }) => tab.close(),
      () => undefined,
    );
  addEventListener('pagehide', (event: PageTransitionEvent) => {
    goodbye();
    // A held lock keeps the page out of the back/forward cache.
    if (event.persisted)
      void link.then(
        (current) => current.releaseLock(),
        () => undefined,
      );
  });
  addEventListener('pageshow', (event: PageTransitionEvent) => {
    if (event.persisted && !closed) restart();
  });

  const board: Board = {
    async subscribe(topic, onMessage) {
      if (typeof onMessage !== 'function')
        throw new SwitchboardError('invalid-argument', 'subscribe: onMessage must be a function');
      const entry: Topic = topics.get(topic) ?? {
        listeners: new Set<OnMessage>(),
        held: call(async (tab) => {
          entry.epoch = await tab.subscribe(topic);
        }),
      };
      topics.set(topic, entry);
      // A wrapper, so the same function subscribed twice is two subscriptions.
      const listener: OnMessage = (data, info) => onMessage(data, info);
      entry.listeners.add(listener);
      const unsubscribe = async () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size || topics.get(topic) !== entry) return;
        topics.delete(topic);
        await call((tab) => tab.unsubscribe(topic));
      };
      // A refused topic (a bad name) is forgotten here too; the worker never held it.
      await entry.held.catch((error) => {
        if (topics.get(topic) === entry) topics.delete(topic);
        throw error;
      });
      return unsubscribe;
    },
    send(topic, data) {
      const id = crypto.randomUUID();
      return call((tab) => tab.send(topic, data, id)).catch((error: Error) => {
        throw error.name === 'DataCloneError'
          ? new SwitchboardError('invalid-argument', `send: data for "${topic}" cannot be cloned (${error.message})`)
          : error;
      });
    },
    state: () => call((tab) => tab.state()),
    on(event, listener) {
      const listeners = events.get(event) ?? new Set();
      events.set(event, listeners);
      listeners.add(listener as (detail: never) => void);
      return () => void listeners.delete(listener as (detail: never) => void);
    },
    setLoadBalancing: (value) => call((tab) => tab.setLoadBalancing(value)),
    reconnect: () => call((tab) => tab.reconnect()),
    clearExpiry: (index) => call((tab) => tab.clearExpiry(index)),
    resolve: (path) => call((tab) => tab.resolve(path)),
    // Loaded on first use, so pages that only stream don't pay for it.
    fetch: (path, init) => import('./request.ts').then(({ fetchThrough }) => fetchThrough(call, path, init)),
    close() {
      if (closed) return;
      goodbye();
      closed = 'Switchboard: this board is closed';
      void link.then(
        ({ close }) => close(),
        () => undefined,
      );
    },
  };
  // An inspector asked for this page's boards (src/inspector/hook.ts): hand it over.
  (globalThis as { __switchboard?: (board: Board) => void }).__switchboard?.(board);
  return board;
}

/** A listener's error is reported, and the next listener still runs. */
function guard(run: () => void): void {
  try {
    run();
  } catch (error) {
    reportError(error);
  }
}

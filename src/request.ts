// board.fetch: a request tried on the cluster's hosts in the worker's order, run in the page so no body crosses the worker.

import type { Remote } from 'comlink';
import { type Clock, realClock } from '../shared/clock.ts';
import { SwitchboardError } from '../shared/errors.ts';
import { onHost } from '../shared/paths.ts';
import type { TabApi } from '../shared/tab-api.ts';
import type { FetchInit } from './board.ts';

/** Methods that may be sent twice without harm, so a request with one moves on to the next host. */
const IDEMPOTENT = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];

export type Call = <T>(run: (tab: Remote<TabApi<MessagePort>>) => Promise<T>) => Promise<T>;

/** `clock` bounds each host's answer with connectTimeout; tests give a fake one. */
export async function fetchThrough(
  call: Call,
  path: string,
  init: FetchInit = {},
  clock: Clock = realClock,
): Promise<Response> {
  onHost('http://host', path, 'fetch');
  const plan = await call((tab) => tab.requestPlan());
  if (plan.hosts.length === 0) {
    const resting = plan.resting.map(({ host, until }) => `${host} until ${new Date(until).toISOString()}`).join(', ');
    throw new SwitchboardError(
      'unavailable',
      `fetch ${path}: every host failed within its failure expiry (${resting})`,
    );
  }
  const { retry, ...request } = init;
  const method = (request.method ?? 'GET').toUpperCase();
  // A stream can be read only once, so it cannot go to a second host.
  const retries = retry ?? (IDEMPOTENT.includes(method) && !(request.body instanceof ReadableStream));
  const failures: string[] = [];
  for (const { host, index, url } of retries ? plan.hosts : plan.hosts.slice(0, 1)) {
    void call((tab) => tab.requestAttempt(index));
    // connectTimeout bounds the wait for the answer's head, not the reading of its body.
    const timeout = new AbortController();
    const timer = clock.setTimeout(() => timeout.abort(), plan.connectTimeout);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    let reason: string;
    try {
      const response = await fetch(onHost(url, path, 'fetch'), { ...request, signal });
      if (!plan.retryStatuses.includes(response.status)) return response;
      reason = `HTTP ${response.status}`;
    } catch (error) {
      if (request.signal?.aborted) throw error;
      // fetch rejects with an Error. Not messageOf: importing it would grow the page entry, where errors.ts lives.
      reason = timeout.signal.aborted ? `no answer in ${plan.connectTimeout} ms` : (error as Error).message;
    } finally {
      clock.clearTimeout(timer);
    }
    failures.push(`${host} (${reason})`);
    void call((tab) => tab.requestFailed(index, reason));
  }
  const why = retries ? 'every host failed' : `a ${method} is not retried on another host unless init.retry is true`;
  throw new SwitchboardError('unavailable', `fetch ${path}: ${why}: ${failures.join(', ')}`);
}

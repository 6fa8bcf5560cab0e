// A tab's port as Comlink's expose sees it: only the calls of TabApi, with checked arguments, reach the session.

import { type Endpoint, transferHandlers } from 'comlink';
import { SwitchboardError } from '../shared/errors.ts';
import { argumentProblem, arrived, CALL_NAMES, isCall } from './tab-calls.ts';

/**
 * Comlink's expose follows any property path on the object it exposes: a GET reads a field, a SET writes one, and an
 * APPLY of constructor.constructor runs code in the worker. Any same-origin script can wrap a port to the worker,
 * so this endpoint hands Comlink only an APPLY of one of TabApi's methods with arguments that pass their checks,
 * and the RELEASE of a page's proxy. Anything else is answered with an 'invalid-argument' error, and nothing runs.
 */
export function guardedPort(port: Endpoint): Endpoint {
  const filters = new Map<EventListenerOrEventListenerObject, EventListener>();
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    addEventListener(type, listener) {
      const filter = (event: Event) => {
        const data: unknown = event instanceof MessageEvent ? event.data : undefined;
        const refused = refusal(data);
        if (refused) refuse(port, data, refused);
        else if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      filters.set(listener, filter);
      port.addEventListener(type, filter);
    },
    removeEventListener(type, listener) {
      const filter = filters.get(listener);
      if (filter) port.removeEventListener(type, filter);
      filters.delete(listener);
      // Comlink stops listening only when the page releases its proxy, and closes a MessagePort then; it sees this object.
      if (port instanceof MessagePort) port.close();
    },
    start: () => port.start?.(),
  };
}

/** Why a Comlink message may not reach the session, as the error's message; undefined when it may. */
function refusal(data: unknown): string | undefined {
  const { type, path, argumentList } = (typeof data === 'object' && data ? data : {}) as Record<string, unknown>;
  // A page's proxy sends a bare RELEASE once it is collected: Comlink answers it and lets the port go.
  if (type === 'RELEASE' && path === undefined && argumentList === undefined) return undefined;
  if (type !== 'APPLY' || !Array.isArray(path) || path.length !== 1 || !isCall(path[0])) {
    const on = Array.isArray(path) && path.length > 0 ? ` of ${arrived(path.join('.'))}` : '';
    const what = typeof type === 'string' ? type.slice(0, 20) : 'a message';
    return `Switchboard worker: refused ${what}${on}; a page may only call ${CALL_NAMES.join(', ')}`;
  }
  // Comlink's other wire values (a proxy back to the page, a thrown value) are no argument of any call.
  if (!Array.isArray(argumentList) || !argumentList.every(isPlain)) return `${path[0]}: arguments must be plain values`;
  return argumentProblem(
    path[0],
    argumentList.map((wire) => wire.value),
  );
}

function isPlain(value: unknown): value is { type: 'RAW'; value: unknown } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'RAW';
}

/** Answers as Comlink answers a call that threw (a 'throw' wire value with the message's id), so the caller's promise rejects. */
function refuse(port: Endpoint, data: unknown, reason: string): void {
  const id = typeof data === 'object' && data ? (data as { id?: unknown }).id : undefined;
  const [value, transfer] = transferHandlers.get('throw')!.serialize({
    value: new SwitchboardError('invalid-argument', reason),
  });
  port.postMessage({ id, type: 'HANDLER', name: 'throw', value }, transfer);
}

// Every connection type by its name, for the failover loop.

import type { TransportType } from '../../shared/protocol.ts';
import type { Transport } from '../transport.ts';
import { http } from './http.ts';
import { poll } from './poll.ts';
import { ws } from './ws.ts';

export const transports: Record<TransportType, Transport> = { ws, http, poll };

export { http, poll, ws };

/** One Transport for every type: picks the one the request names. */
export const transport: Transport = (request, listener) => transports[request.type](request, listener);

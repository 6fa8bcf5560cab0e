// How long to wait before retry number `attempt`: exactly reconnectDelay first, then drawn evenly up to a ceiling that doubles each time, at most maxReconnectDelay.

import type { Random } from '../shared/clock.ts';
import type { Settings } from '../shared/config.ts';

export function backoff(
  attempt: number,
  { reconnectDelay, maxReconnectDelay }: Pick<Settings, 'reconnectDelay' | 'maxReconnectDelay'>,
  random: Random,
): number {
  const ceiling = Math.min(maxReconnectDelay, reconnectDelay * 2 ** (attempt - 1));
  return reconnectDelay + random() * (ceiling - reconnectDelay);
}

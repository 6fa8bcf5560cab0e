// The Lua scripts the Redis backplane runs, each one atomic on the Redis server, and how to run them.

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * KEYS: the topic's seq counter, its stream, and (when the pub has an id) the id's dedupe key.
 * ARGV: the data as JSON, the history length, the dedupe window in ms, the fan-out channel, the topic as JSON.
 * Returns the new seq, or 0 when the id was already published. The dedupe key is set last, so a pub
 * that fails half way can be sent again; nothing else runs between the check and the set.
 */
export const PUBLISH = script(`
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 'data', ARGV[1])
redis.call('PUBLISH', ARGV[4], '{"topic":' .. ARGV[5] .. ',"seq":' .. seq .. ',"data":' .. ARGV[1] .. '}')
if KEYS[3] then redis.call('SET', KEYS[3], '1', 'PX', ARGV[3]) end
return seq
`);

/** KEYS: the seq counter and the stream. ARGV: the first stream id wanted. Returns the seq and the entries from there, read together. */
export const SINCE = script(`
return { tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('XRANGE', KEYS[2], ARGV[1], '+') }
`);

/**
 * KEYS: a seq counter. ARGV: the seq a host last heard. Raises the counter to it when Redis has less
 * (it restarted without its data), so seqs go on instead of starting again at 1. Returns the counter before.
 */
export const RAISE = script(`
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
if seq < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return seq
`);

/**
 * KEYS: the cluster's epoch key. ARGV: the epoch this host knew, or a new one. Sets it only when Redis has
 * none (first host, or Redis lost its data), so the first host back decides. Returns the epoch Redis holds.
 */
export const EPOCH = script(`
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
`);

/** Runs a script by its sha, sending its source only when Redis does not have it (first use, or after a restart). */
export async function run(
  redis: Redis,
  { lua, sha }: Script,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(lua, keys.length, ...keys, ...args);
  }
}

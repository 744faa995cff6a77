import type { Store } from '@mailover/core';
import type { Redis } from 'ioredis';
import {
  describeClient,
  loadIoredis,
  passwordOf,
  type RedisUrlOptions,
  resolveUrl,
  storeClientOptions,
  toRedisError,
} from './connection.js';

/** Where the store connects: a URL (mailover owns the connection) or an ioredis client you own. */
export type RedisStoreConnection = RedisUrlOptions | { readonly client: Redis };

export interface RedisStoreOptions {
  /** Prepended to every key, so that mailover shares a Redis with other data. Default `'mailover:'`. */
  readonly prefix?: string;
  /** A command with no answer after this long fails (only for connections built from a URL). Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
}

// Refill, take one token, and say how long to wait for it, in one step on Redis's own clock, so
// that every instance draws from the same bucket whatever its local clock says.
const RESERVE_TOKEN_SCRIPT = `
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
if tokens >= 0 then return 0 end
return math.ceil(-tokens / perMs)
`;

// RPUSH and PEXPIRE as one step. A plain value under the key is replaced by a new list, as
// memoryStore does, rather than failing with WRONGTYPE.
const APPEND_SCRIPT = `
if redis.call('TYPE', KEYS[1]).ok ~= 'list' then redis.call('DEL', KEYS[1]) end
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return length
`;

const emptyOnWrongType = (error: unknown): undefined => {
  if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return undefined;
  throw error;
};

/**
 * The Store on Redis, shared by every mailover instance. Every key is namespaced by `prefix` and
 * expires; `claim` is `SET NX PX` and `append` is `RPUSH` + `PEXPIRE` in one Lua script, so each
 * read-decide-write is one atomic step on the server. Constructing it neither loads ioredis nor
 * connects: both happen at the first call.
 */
export function redisStore(
  connection: RedisStoreConnection = {},
  options: RedisStoreOptions = {},
): Store & { readonly close: () => Promise<void> } {
  const prefix = options.prefix ?? 'mailover:';
  const owned = !('client' in connection);
  const url = 'client' in connection ? describeClient(connection.client) : resolveUrl(connection.url);
  const secrets = 'client' in connection ? [connection.client.options.password] : [passwordOf(url)];
  let lastConnectionError: Error | undefined;
  let pending: Promise<Redis> | undefined;
  let closed = false;

  const open = async (): Promise<Redis> => {
    let client: Redis;
    if ('client' in connection) {
      client = connection.client;
    } else {
      const { Redis } = await loadIoredis();
      client = new Redis(url, storeClientOptions(options.commandTimeoutMs ?? 5_000));
    }
    // Without a listener ioredis prints every reconnection failure to stderr; keep the latest
    // instead, to say why a later command failed.
    client.on('error', (error: Error) => {
      lastConnectionError = error;
    });
    client.on('ready', () => {
      lastConnectionError = undefined;
    });
    // A failed first connection is not fatal: ioredis keeps retrying, and the command that follows
    // fails fast with the reason.
    if (client.status === 'wait') await client.connect().catch(() => {});
    return client;
  };

  const run = async <T>(operation: string, command: (client: Redis) => Promise<T>): Promise<T> => {
    if (closed) throw toRedisError(new Error('the store is closed'), operation, url, secrets);
    try {
      pending ??= open().catch((error: unknown) => {
        pending = undefined; // ioredis failed to load: try again next call
        throw error;
      });
      return await command(await pending);
    } catch (error) {
      throw toRedisError(error, operation, url, secrets, lastConnectionError);
    }
  };

  const ttl = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

  return {
    // A key holds a value or a list, as in memoryStore: reading it as the other kind finds nothing.
    get: (key) =>
      run('GET', async (client) => (await client.get(prefix + key).catch(emptyOnWrongType)) ?? undefined),
    set: (key, value, ttlMs) =>
      run('SET', async (client) => {
        await client.set(prefix + key, value, 'PX', ttl(ttlMs));
      }),
    claim: (key, value, ttlMs) =>
      run(
        'SET NX',
        async (client) => (await client.set(prefix + key, value, 'PX', ttl(ttlMs), 'NX')) === 'OK',
      ),
    append: (key, value, ttlMs) =>
      run('RPUSH', async (client) =>
        Number(await client.eval(APPEND_SCRIPT, 1, prefix + key, value, ttl(ttlMs))),
      ),
    list: (key) =>
      run(
        'LRANGE',
        async (client) => (await client.lrange(prefix + key, 0, -1).catch(emptyOnWrongType)) ?? [],
      ),
    listRange: (key, start, count) =>
      run(
        'LRANGE',
        async (client) =>
          (await client.lrange(prefix + key, start, start + count - 1).catch(emptyOnWrongType)) ?? [],
      ),
    delete: (key) =>
      run('DEL', async (client) => {
        await client.del(prefix + key);
      }),
    async reserveToken(key, perSecond, burst) {
      if (!(perSecond > 0)) throw new RangeError('rate limit perSecond must be > 0');
      return run('reserve token', async (client) => {
        const wait = await client.eval(RESERVE_TOKEN_SCRIPT, 1, prefix + key, perSecond / 1000, burst);
        return Number(wait);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const client = await pending?.catch(() => undefined);
      // A client the user passed is theirs to close.
      if (owned && client) await client.quit().catch(() => client.disconnect());
    },
  };
}

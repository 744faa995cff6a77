import type { Store } from '@mailover/core';
import type { Pool } from 'pg';
import { type Connection, openConnection, type PostgresConnection, quoteSchema } from './connection.js';
import { migrate } from './schema.js';

export interface PostgresStoreOptions {
  /** The schema mailover's tables live in (created and migrated on first use). Default `'mailover'`. */
  readonly schema?: string;
  /** A statement or connection attempt with no answer fails after this long (connection strings only). Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
  /** How often expired rows are deleted, ms. Default 60 000. */
  readonly sweepIntervalMs?: number;
  /**
   * Create the schema when it does not exist. Default true. Tools that work on the store mailers
   * already use (`mailover suppressions`) pass false, so a mistyped schema is an error rather than
   * a new, empty store.
   */
  readonly createSchema?: boolean;
}

// Expiry is computed by the server's clock, so instances with skewed clocks agree.
const expiry = (parameter: string) => `clock_timestamp() + ${parameter} * interval '1 millisecond'`;

/**
 * The Store on PostgreSQL, shared by every mailover instance on the database. Each operation is
 * one statement: `claim` is an INSERT … ON CONFLICT DO UPDATE that only overwrites an expired row,
 * `append` counts the list in its kv row and writes the item row in the same statement, the token bucket refills and takes in one UPSERT,
 * so every read-decide-write is atomic on the server. Constructing it neither loads pg nor
 * connects: both happen at the first call, which also creates or migrates the schema.
 */
export function postgresStore(
  connection: PostgresConnection = {},
  options: PostgresStoreOptions = {},
): Store & { readonly close: () => Promise<void> } {
  return storeOn(openConnection(connection, options.commandTimeoutMs ?? 5_000), options);
}

/** The store on a connection shared with the queue (`postgres()`); closing it ends the connection. */
export function storeOn(
  connection: Connection,
  options: PostgresStoreOptions = {},
): Store & { readonly close: () => Promise<void> } {
  const schema = quoteSchema(options.schema ?? 'mailover');
  const kv = `${schema}.kv`;
  const items = `${schema}.list_items`;
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  let ready: Promise<Pool> | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let closed = false;

  const open = async (): Promise<Pool> => {
    const pool = await connection.pool();
    await migrate(pool, schema, options.createSchema ?? true);
    sweeper = setInterval(() => {
      pool
        .query(
          `WITH gone AS (DELETE FROM ${kv} WHERE expires_at < clock_timestamp() RETURNING key)
           DELETE FROM ${items} WHERE key IN (SELECT key FROM gone)`,
        )
        .then(() => pool.query(`DELETE FROM ${schema}.buckets WHERE expires_at < clock_timestamp()`))
        .catch(() => {}); // the next sweep tries again; reads never see expired rows anyway
    }, sweepIntervalMs);
    sweeper.unref();
    return pool;
  };

  const run = async <T>(operation: string, statement: (pool: Pool) => Promise<T>): Promise<T> => {
    if (closed) throw connection.failure(new Error('the store is closed'), operation);
    try {
      ready ??= open().catch((error: unknown) => {
        ready = undefined; // the server was down or pg failed to load: try again next call
        throw error;
      });
      return await statement(await ready);
    } catch (error) {
      throw connection.failure(error, operation);
    }
  };

  const ttl = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

  return {
    get: (key) =>
      run('get', async (pool) => {
        const { rows } = await pool.query<{ value: string | null }>(
          `SELECT value FROM ${kv} WHERE key = $1 AND expires_at > clock_timestamp()`,
          [key],
        );
        return rows[0]?.value ?? undefined;
      }),
    set: (key, value, ttlMs) =>
      run('set', async (pool) => {
        await pool.query(
          `INSERT INTO ${kv} (key, value, length, expires_at) VALUES ($1, $2, NULL, ${expiry('$3')})
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, length = NULL, expires_at = EXCLUDED.expires_at`,
          [key, value, ttl(ttlMs)],
        );
      }),
    // A concurrent INSERT of the same key waits for the first to commit, then sees the conflict
    // and an unexpired row: exactly one claim wins.
    claim: (key, value, ttlMs) =>
      run('claim', async (pool) => {
        const { rowCount } = await pool.query(
          `INSERT INTO ${kv} AS existing (key, value, length, expires_at) VALUES ($1, $2, NULL, ${expiry('$3')})
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, length = NULL, expires_at = EXCLUDED.expires_at
           WHERE existing.expires_at <= clock_timestamp()`,
          [key, value, ttl(ttlMs)],
        );
        return rowCount === 1;
      }),
    // A plain value or an expired list under the key is replaced by a new list, as in memoryStore.
    // The kv row counts the items (its row lock orders concurrent appends); the item goes in its own
    // row, overwriting whatever a replaced list left at that position. Reads stop at `length`. Item
    // rows past it, or under a key `set` turned into a value, go when the key expires (the sweep).
    append: (key, value, ttlMs) =>
      run('append', async (pool) => {
        const { rows } = await pool.query<{ length: string }>(
          `WITH head AS (
             INSERT INTO ${kv} AS existing (key, value, length, expires_at) VALUES ($1, NULL, 1, ${expiry('$3')})
             ON CONFLICT (key) DO UPDATE SET
               length = CASE WHEN existing.length IS NULL OR existing.expires_at <= clock_timestamp()
                             THEN 1 ELSE existing.length + 1 END,
               value = NULL,
               expires_at = EXCLUDED.expires_at
             RETURNING length
           ), added AS (
             INSERT INTO ${items} (key, position, item) SELECT $1, length - 1, $2 FROM head
             ON CONFLICT (key, position) DO UPDATE SET item = EXCLUDED.item
           )
           SELECT length FROM head`,
          [key, value, ttl(ttlMs)],
        );
        return Number(rows[0]!.length);
      }),
    list: (key) =>
      run('list', async (pool) => {
        const { rows } = await pool.query<{ item: string }>(
          `SELECT listed.item FROM ${kv} head JOIN ${items} listed ON listed.key = head.key AND listed.position < head.length
           WHERE head.key = $1 AND head.expires_at > clock_timestamp() ORDER BY listed.position`,
          [key],
        );
        return rows.map((row) => row.item);
      }),
    listRange: (key, start, count) =>
      run('list range', async (pool) => {
        if (count <= 0) return [];
        const { rows } = await pool.query<{ item: string }>(
          `SELECT listed.item FROM ${kv} head JOIN ${items} listed ON listed.key = head.key
             AND listed.position < head.length AND listed.position >= $2 AND listed.position < $2::bigint + $3::bigint
           WHERE head.key = $1 AND head.expires_at > clock_timestamp() ORDER BY listed.position`,
          [key, start, count],
        );
        return rows.map((row) => row.item);
      }),
    delete: (key) =>
      run('delete', async (pool) => {
        await pool.query(
          `WITH gone AS (DELETE FROM ${items} WHERE key = $1) DELETE FROM ${kv} WHERE key = $1`,
          [key],
        );
      }),
    async reserveToken(key, perSecond, burst) {
      if (!(perSecond > 0)) throw new RangeError('rate limit perSecond must be > 0');
      const perMs = perSecond / 1000;
      return run('reserve token', async (pool) => {
        // Refill by the time elapsed on the server's clock, take one token, in one UPSERT.
        const { rows } = await pool.query<{ tokens: number }>(
          `WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms)
           INSERT INTO ${schema}.buckets AS bucket (key, tokens, at_ms, expires_at)
             SELECT $1, $3::double precision - 1, clock.ms, clock_timestamp() + interval '1 minute' FROM clock
           ON CONFLICT (key) DO UPDATE SET
             tokens = LEAST($3::double precision, bucket.tokens + GREATEST(0, EXCLUDED.at_ms - bucket.at_ms) * $2::double precision) - 1,
             at_ms = EXCLUDED.at_ms,
             expires_at = clock_timestamp() + ((($3::double precision - bucket.tokens) / $2::double precision) + 60000) * interval '1 millisecond'
           RETURNING tokens`,
          [key, perMs, burst],
        );
        const tokens = Number(rows[0]!.tokens);
        return tokens >= 0 ? 0 : Math.ceil(-tokens / perMs);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      if (sweeper) clearInterval(sweeper);
      await connection.end();
    },
  };
}

/**
 * The tables mailover keeps in PostgreSQL, created and migrated by the package itself. Each
 * migration runs once, in order, inside one transaction holding an advisory lock, so instances
 * starting together never race; `schema_version` records which ones have run. See docs/queue.md.
 */
import type { Pool } from 'pg';
import { ConfigurationError } from '@mailover/core';

/** Migrations in order; entry N (from 0) takes the schema to version N + 1. Never edit one that shipped. */
const MIGRATIONS: readonly ((schema: string) => string)[] = [
  // 1: the key-value store. A row holds a plain value (`value`) or a list (`items`), never both,
  // as a Redis key holds one type (since 2: a list's `length`, its items in list_items). Expired rows read as absent and are swept later.
  (schema) => `
    CREATE TABLE ${schema}.kv (
      key text PRIMARY KEY,
      value text,
      items text[],
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX kv_expires_at ON ${schema}.kv (expires_at);
    CREATE TABLE ${schema}.buckets (
      key text PRIMARY KEY,
      tokens double precision NOT NULL,
      at_ms double precision NOT NULL,
      expires_at timestamptz NOT NULL
    );`,
  // 2: lists move to a table of their own, one row per item. Appending to a text[] rewrote the
  // whole array (and its TOAST) on every call, so the suppression index — the one list that grows
  // to millions — cost O(length) per append: 13 ms at 10 000 items, a 300 MB table. Now the kv row
  // of a list holds its `length` and an append writes one item row. docs/suppression.md, "In the Store".
  (schema) => `
    ALTER TABLE ${schema}.kv ADD COLUMN length bigint;
    CREATE TABLE ${schema}.list_items (
      key text NOT NULL,
      position bigint NOT NULL,
      item text NOT NULL,
      PRIMARY KEY (key, position)
    );
    INSERT INTO ${schema}.list_items (key, position, item)
      SELECT kv.key, listed.position - 1, listed.item
      FROM ${schema}.kv, unnest(kv.items) WITH ORDINALITY AS listed(item, position)
      WHERE kv.items IS NOT NULL;
    UPDATE ${schema}.kv SET length = cardinality(items) WHERE items IS NOT NULL;
    ALTER TABLE ${schema}.kv DROP COLUMN items;`,
];

/** The version this package brings a schema to. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Create `schema` (unless `createSchema` is false: then a missing schema is an error) and bring it
 * to SCHEMA_VERSION. Refuses a schema written by a newer release,
 * rather than running against tables it does not know.
 */
export async function migrate(pool: Pool, schema: string, createSchema = true): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // One migrator per schema at a time, across every process; released at COMMIT.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mailover:migrate:${schema}`]);
    if (!createSchema) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        schema.slice(1, -1),
      ]);
      if (rowCount === 0) {
        throw new ConfigurationError(
          `postgres: schema ${schema} does not exist in this database; give the schema your mailers use (their \`schema\` option, default "mailover")`,
        );
      }
    }
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${schema}.schema_version`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new ConfigurationError(
        `postgres: schema ${schema} is at version ${current}, newer than this @mailover/postgres knows (${SCHEMA_VERSION}); upgrade @mailover/postgres on this instance`,
      );
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1]!(schema));
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

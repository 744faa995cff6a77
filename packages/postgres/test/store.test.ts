import { testStore } from '@mailover/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresError, postgresStore, SCHEMA_VERSION } from '../src/index.js';
import { dropSchemas, findDatabase, uniqueSchema } from './database.js';

const target = await findDatabase();
if ('skip' in target) console.warn(`@mailover/postgres store tests skipped: ${target.skip}`);
const describeDatabase = 'skip' in target ? describe.skip : describe;
const connectionString = 'connectionString' in target ? target.connectionString : '';
const runSchema = uniqueSchema('store');

describeDatabase('postgresStore', () => {
  // One pool for every store of the contract (each in its own schema): the database is shared.
  const pool = new pg.Pool({ connectionString, max: 8 });
  afterAll(async () => {
    await pool.end();
    await dropSchemas(connectionString, runSchema);
  });

  let count = 0;
  testStore(
    'postgresStore',
    () => {
      count += 1;
      return postgresStore({ pool }, { schema: `${runSchema}_${count}` });
    },
    { describe, it, afterAll },
  );

  it('creates its schema at the current version, and a second instance migrates nothing twice', async () => {
    const schema = `${runSchema}_version`;
    const stores = [postgresStore({ pool }, { schema }), postgresStore({ pool }, { schema })];
    await Promise.all(stores.map((store) => store.set('k', 'v', 60_000)));
    const { rows } = await pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
    expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses a schema written by a newer release, saying what to do', async () => {
    const schema = `${runSchema}_newer`;
    const store = postgresStore({ pool }, { schema });
    await store.set('k', 'v', 60_000);
    await pool.query(`INSERT INTO "${schema}".schema_version (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    const fresh = postgresStore({ pool }, { schema });
    await expect(fresh.get('k')).rejects.toThrow(/newer than this @mailover\/postgres knows.*upgrade/);
    await Promise.all([store.close(), fresh.close()]);
  });

  it('grants exactly one of 200 concurrent claims made through two separate pools', async () => {
    const schema = `${runSchema}_race`;
    const pools = [new pg.Pool({ connectionString, max: 4 }), new pg.Pool({ connectionString, max: 4 })];
    const stores = pools.map((own) => postgresStore({ pool: own }, { schema }));
    await stores[0]!.get('warm'); // migrate once before the race
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        stores[index % 2]!.claim('failover', `claim-${index}`, 60_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stores[1]!.get('failover')).toBe(`claim-${results.indexOf(true)}`);
    await Promise.all(stores.map((store) => store.close()));
    // A pool passed in belongs to the caller: closing the store leaves it open.
    expect((await pools[0]!.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await Promise.all(pools.map((own) => own.end()));
  });

  it('migrates a version-1 schema: its lists keep their items, in order, and grow by one row per append', async () => {
    const schema = `${runSchema}_v1`;
    // The tables as version 1 of @mailover/postgres made them, with a list and a value in them.
    await pool.query(`CREATE SCHEMA "${schema}";
      CREATE TABLE "${schema}".schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO "${schema}".schema_version (version) VALUES (1);
      CREATE TABLE "${schema}".kv (key text PRIMARY KEY, value text, items text[], expires_at timestamptz NOT NULL);
      CREATE INDEX kv_expires_at ON "${schema}".kv (expires_at);
      CREATE TABLE "${schema}".buckets (key text PRIMARY KEY, tokens double precision NOT NULL, at_ms double precision NOT NULL, expires_at timestamptz NOT NULL);
      INSERT INTO "${schema}".kv VALUES ('index', NULL, ARRAY['a','b','c'], now() + interval '1 hour'),
                                        ('plain', 'v', NULL, now() + interval '1 hour');`);
    const store = postgresStore({ pool }, { schema });
    expect(await store.list('index')).toEqual(['a', 'b', 'c']);
    expect(await store.append('index', 'd', 60_000)).toBe(4);
    expect(await store.listRange!('index', 2, 5)).toEqual(['c', 'd']);
    expect(await store.get('plain')).toBe('v');
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".list_items WHERE key = 'index'`,
    );
    expect(rows[0].n).toBe(4);
    await store.close();
  });

  it('deletes expired rows in the background, and the items of an expired list', async () => {
    const schema = `${runSchema}_sweep`;
    const store = postgresStore({ pool }, { schema, sweepIntervalMs: 50 });
    await store.set('gone', 'v', 10);
    await store.append('gone-list', 'y', 10);
    await store.append('kept', 'x', 60_000);
    for (let tries = 0; tries < 100; tries++) {
      const { rows } = await pool.query(`SELECT key FROM "${schema}".kv ORDER BY key`);
      if (rows.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { rows } = await pool.query(`SELECT key FROM "${schema}".kv ORDER BY key`);
    expect(rows.map((row) => row.key)).toEqual(['kept']);
    const listed = await pool.query(`SELECT key FROM "${schema}".list_items ORDER BY key`);
    expect(listed.rows.map((row) => row.key)).toEqual(['kept']);
    await store.close();
  });
});

describe('postgresStore when PostgreSQL is down', () => {
  it('neither connects nor throws when constructed, and fails with an error naming the server but not its password', async () => {
    const store = postgresStore({ connectionString: 'postgres://mailer:s3cret-pa55@127.0.0.1:9/db' });
    const error = await store.get('a').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(PostgresError.isInstance(error)).toBe(true);
    const failure = error as PostgresError;
    expect(failure.unavailable).toBe(true);
    expect(failure.message).toContain('127.0.0.1:9');
    expect(failure.message).toContain('ECONNREFUSED');
    expect(failure.server).toBe('postgres://mailer:***@127.0.0.1:9/db');
    expect(JSON.stringify({ ...failure, message: failure.message })).not.toContain('s3cret-pa55');
    await store.close();
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => postgresStore({}, { schema: 'x"; DROP TABLE y; --' })).toThrow(
      /schema .* is not a plain identifier/,
    );
  });
});

/**
 * Finding a real PostgreSQL for the tests: TEST_DATABASE_URL, else 127.0.0.1:5432 database `test`
 * (trust auth) if it answers; else a reason to skip. Each run works in schemas of its own, dropped
 * at the end.
 */
import pg from 'pg';

export type DatabaseTarget = { readonly connectionString: string } | { readonly skip: string };

export const DEFAULT_TEST_DATABASE = 'postgres://postgres@127.0.0.1:5432/test';

export async function findDatabase(env: NodeJS.ProcessEnv = process.env): Promise<DatabaseTarget> {
  const connectionString = env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE;
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { connectionString };
  } catch (error) {
    return {
      skip: `no PostgreSQL answers at ${connectionString.replace(/:[^:@/]*@/, ':***@')} (${error instanceof Error ? error.message : String(error)}); set TEST_DATABASE_URL or start PostgreSQL`,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A schema name no other test run uses. */
export function uniqueSchema(label: string): string {
  return `test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drop every schema whose name starts with `prefix` (this run's). */
export async function dropSchemas(connectionString: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

import type { Store } from '@mailover/core';
import { openConnection, type PostgresConnection } from './connection.js';
import { type PostgresStoreOptions, storeOn } from './store.js';

export type PostgresOptions = PostgresConnection & PostgresStoreOptions;

/**
 * Everything mailover keeps, on one PostgreSQL database, ready to spread into
 * `createMailer({ ...postgres({ connectionString }) })`. One pool serves it all; `mailer.close()`
 * ends that pool when mailover created it (a `pool` you passed stays yours).
 */
export function postgres(options: PostgresOptions = {}): { store: Store } {
  const { schema, commandTimeoutMs, sweepIntervalMs, ...connection } = options;
  const shared = openConnection(connection as PostgresConnection, commandTimeoutMs ?? 5_000);
  return {
    store: storeOn(shared, {
      ...(schema === undefined ? {} : { schema }),
      ...(sweepIntervalMs === undefined ? {} : { sweepIntervalMs }),
    }),
  };
}

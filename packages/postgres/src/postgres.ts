import type { Queue, Store } from '@mailover/core';
import { openConnection, type PostgresConnection } from './connection.js';
import { type PostgresQueueOptions, queueOn } from './queue.js';
import { type PostgresStoreOptions, storeOn } from './store.js';

export type PostgresOptions = PostgresConnection &
  PostgresStoreOptions & {
    /** The queue's options (pg-boss), or `false` for a store without a queue. Default: on, see PostgresQueueOptions. */
    readonly queue?: PostgresQueueOptions | false;
  };

/**
 * Everything mailover keeps, on one PostgreSQL database, ready to spread into
 * `createMailer({ ...postgres({ connectionString }) })`: the Store, and the Queue on pg-boss. One
 * pool serves both; `mailer.close()` stops the queue, then ends that pool when mailover created it
 * (a `pool` you passed stays yours).
 */
export function postgres(options: PostgresOptions = {}): { store: Store; queue?: Queue } {
  const { schema, commandTimeoutMs, sweepIntervalMs, queue, ...connection } = options;
  const shared = openConnection(connection as PostgresConnection, commandTimeoutMs ?? 5_000);
  const storeSchema = schema ?? 'mailover';
  return {
    store: storeOn(shared, {
      schema: storeSchema,
      ...(sweepIntervalMs === undefined ? {} : { sweepIntervalMs }),
    }),
    ...(queue === false ? {} : { queue: queueOn(shared, storeSchema, queue) }),
  };
}

import type { Scheduler, Store } from '@mailover/core';
import type { RedisUrlOptions } from './connection.js';
import { redisScheduler, type RedisSchedulerOptions } from './scheduler.js';
import { redisStore, type RedisStoreOptions } from './store.js';

export interface RedisOptions extends RedisUrlOptions, RedisStoreOptions {
  /** Options of the BullMQ scheduler (queue name, retries). Default: see `redisScheduler`. */
  readonly scheduler?: RedisSchedulerOptions;
}

/**
 * A store and a scheduler on one Redis, ready to spread into `createMailer({ ...redis({ url }) })`.
 * Each keeps its own connections: the store's fail fast during an outage, the worker's wait it out.
 */
export function redis(options: RedisOptions = {}): { store: Store; scheduler: Scheduler } {
  const { url, scheduler, ...storeOptions } = options;
  const connection = url === undefined ? {} : { url };
  return {
    store: redisStore(connection, storeOptions),
    scheduler: redisScheduler(connection, scheduler),
  };
}

import type { Queue, Scheduler, Store } from '@mailover/core';
import type { RedisUrlOptions } from './connection.js';
import { type RedisQueueOptions, redisQueue } from './queue.js';
import { redisScheduler, type RedisSchedulerOptions } from './scheduler.js';
import { redisStore, type RedisStoreOptions } from './store.js';

export interface RedisOptions extends RedisUrlOptions, RedisStoreOptions {
  /** Options of the BullMQ scheduler (queue name, retries). Default: see `redisScheduler`. */
  readonly scheduler?: RedisSchedulerOptions;
  /** Options of the BullMQ queue behind `mailer.enqueue`, or `false` for none. Default: see `redisQueue`. */
  readonly queue?: RedisQueueOptions | false;
}

/**
 * A store, a scheduler and the send queue on one Redis, ready to spread into `createMailer({ ...redis({ url }) })`.
 * Each keeps its own connections: the store's fail fast during an outage, the worker's wait it out.
 */
export function redis(options: RedisOptions = {}): { store: Store; scheduler: Scheduler; queue?: Queue } {
  const { url, scheduler, queue, ...storeOptions } = options;
  const connection = url === undefined ? {} : { url };
  return {
    store: redisStore(connection, storeOptions),
    scheduler: redisScheduler(connection, scheduler),
    ...(queue === false ? {} : { queue: redisQueue(connection, queue) }),
  };
}

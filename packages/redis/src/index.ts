export { RedisError, type RedisUrlOptions } from './connection.js';
export { type RedisOptions, redis } from './redis.js';
export { type RedisSchedulerConnection, type RedisSchedulerOptions, redisScheduler } from './scheduler.js';
export { type RedisStoreConnection, type RedisStoreOptions, redisStore } from './store.js';
export { type RedisQueueOptions, redisQueue } from './queue.js';

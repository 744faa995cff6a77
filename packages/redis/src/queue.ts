/**
 * The mailover Queue on BullMQ: jobs live in Redis, so a job survives the process that added it,
 * and every instance on the same queue works it. A worker that dies mid-job loses its lock and the
 * job is run again elsewhere (at-least-once; the idempotency claim on the message id makes the
 * second run a replay, not a second send). See docs/queue.md.
 */
import { ConfigurationError, type JobOutcome, lazy, type Queue, type QueuedJob } from '@mailover/core';
import type { Job, Queue as BullQueue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  loadIoredis,
  passwordOf,
  type RedisUrlOptions,
  resolveUrl,
  storeClientOptions,
  toRedisError,
} from './connection.js';
import { bullQueueStats, DUE_AT_FIELD } from './queue-stats.js';
import { toBullJobId } from './scheduler.js';

export interface RedisQueueOptions {
  /** BullMQ queue name; every instance that shares jobs uses the same one. Default `'mailover-send'`. */
  readonly queue?: string;
  /** BullMQ key prefix in Redis. Default `'mailover:bull'`. */
  readonly prefix?: string;
  /** How long `enqueue()` waits for Redis before failing. Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
  /**
   * How long a running job stays locked to this instance without a renewal (BullMQ `lockDuration`);
   * a job whose instance died is run elsewhere this long after its last renewal. Default 30 000 ms.
   */
  readonly lockDurationMs?: number;
  /** How often this instance looks for such jobs (BullMQ `stalledInterval`). Default 30 000 ms. */
  readonly stalledIntervalMs?: number;
}

const loadBullmq = lazy(() => import('bullmq'));

/** BullMQ runs the lowest number first, from 1; mailover's priority is 0–100, highest first. */
const bullPriority = (priority: number) => 101 - priority;

export function redisQueue(connection: RedisUrlOptions = {}, options: RedisQueueOptions = {}): Queue {
  const name = options.queue ?? 'mailover-send';
  const prefix = options.prefix ?? 'mailover:bull';
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  const url = resolveUrl(connection.url);
  const secrets = [passwordOf(url)];
  const running = new Set<Promise<unknown>>();
  let worker: Worker | undefined;
  let closed = false;
  const failure = (error: unknown, operation: string) => toRedisError(error, operation, url, secrets);

  const producer = lazy(async (): Promise<{ queue: BullQueue; client: Redis }> => {
    const [{ Queue }, { Redis }] = await Promise.all([loadBullmq(), loadIoredis()]);
    // Fails fast while Redis is down (see storeClientOptions): enqueue() reports the outage.
    const client = new Redis(url, storeClientOptions(commandTimeoutMs));
    const queue = new Queue(name, { connection: client, prefix });
    queue.on('error', () => {}); // each failing call reports its own error
    return { queue, client };
  });

  return {
    name: 'bullmq',
    durable: true,
    async add(job, addOptions) {
      if (addOptions?.db !== undefined) {
        throw new ConfigurationError(
          'enqueue: the `db` option (a transactional outbox) needs the queue in your database; use @mailover/postgres',
        );
      }
      try {
        const { queue } = await producer();
        await queue.add(
          'send',
          { id: job.id, payload: job.payload, priority: job.priority },
          {
            jobId: toBullJobId(job.id),
            delay: Math.max(0, Math.ceil(job.runAt - Date.now())),
            priority: bullPriority(job.priority),
            // A run that threw (Redis failed under it) is tried again; the engine's own retries
            // are moves to the delayed set, which BullMQ does not count as attempts.
            attempts: 1_000_000,
            backoff: { type: 'fixed', delay: 1_000 },
            removeOnComplete: true,
            removeOnFail: false,
          },
        );
      } catch (error) {
        throw failure(error, `enqueue ${job.id}`);
      }
    },
    work(run, workOptions) {
      const process = async (job: Job<QueuedJob>, token?: string) => {
        const task = run(job.data);
        running.add(task);
        let outcome: JobOutcome;
        try {
          outcome = await task;
        } finally {
          running.delete(task);
        }
        if (outcome.type === 'retry') {
          const { DelayedError } = await loadBullmq();
          // Its due time for the queue gauges (queue-stats.ts); BullMQ keeps only the delay.
          await producer()
            .then(({ queue, client }) => client.hset(queue.toKey(job.id ?? ''), DUE_AT_FIELD, outcome.at))
            .catch(() => {});
          await job.moveToDelayed(outcome.at, token);
          throw new DelayedError();
        }
      };
      loadBullmq()
        .then(({ Worker }) => {
          if (closed) return;
          worker = new Worker<QueuedJob>(name, process, {
            // Waits out an outage (maxRetriesPerRequest: null): it has no caller to report to.
            connection: { url, maxRetriesPerRequest: null },
            prefix,
            concurrency: workOptions.concurrency,
            // A job whose worker died goes back to the queue however often that happens.
            maxStalledCount: 1_000_000,
            ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
            ...(options.stalledIntervalMs === undefined
              ? {}
              : { stalledInterval: options.stalledIntervalMs }),
          });
          worker.on('error', () => {}); // reconnection is BullMQ's; a job's own failure is in its state
        })
        .catch((error: unknown) =>
          globalThis.process.emitWarning(`mailover: queue worker did not start: ${String(error)}`),
        );
    },
    async remove(id) {
      try {
        const { queue } = await producer();
        await queue.remove(toBullJobId(id));
      } catch (error) {
        throw failure(error, `cancel ${id}`);
      }
    },
    async idle() {
      try {
        const { queue, client } = await producer();
        for (;;) {
          if (running.size > 0) {
            await Promise.all([...running].map((task) => task.catch(() => {})));
            continue;
          }
          const counts = await queue.getJobCounts('active', 'waiting', 'prioritized');
          // BullMQ scores delayed jobs (due ms) * 0x1000: those due now count as waiting.
          const due = await client.zcount(queue.keys.delayed!, 0, (Date.now() + 1) * 0x1000 - 1);
          const busy = (counts.active ?? 0) + (counts.waiting ?? 0) + (counts.prioritized ?? 0) + due;
          if (busy === 0 || !worker) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      } catch (error) {
        throw failure(error, 'idle');
      }
    },
    async stats() {
      try {
        const { queue, client } = await producer();
        const keys = queue.keys;
        return await bullQueueStats(
          client,
          {
            wait: keys.wait!,
            prioritized: keys.prioritized!,
            delayed: keys.delayed!,
            active: keys.active!,
            job: queue.toKey(''),
          },
          Date.now(),
        );
      } catch (error) {
        throw failure(error, 'count the queue');
      }
    },
    async close() {
      closed = true;
      // Running jobs finish; one cut off by a crash runs elsewhere once its lock expires.
      await worker?.close();
      const started = await producer().catch(() => undefined);
      if (started) {
        await started.queue.close();
        await started.client.quit().catch(() => started.client.disconnect());
      }
    },
  };
}

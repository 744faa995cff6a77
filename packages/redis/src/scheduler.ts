import { createHash } from 'node:crypto';
import { lazy, type Scheduler } from '@mailover/core';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  describeClient,
  loadIoredis,
  passwordOf,
  type RedisUrlOptions,
  resolveUrl,
  storeClientOptions,
  toRedisError,
} from './connection.js';

/**
 * Where the scheduler connects: a URL (mailover owns the connections) or an ioredis client you own.
 * BullMQ duplicates that client for its worker, so it must be created with `maxRetriesPerRequest: null`.
 */
export type RedisSchedulerConnection = RedisUrlOptions | { readonly connection: Redis };

export interface RedisSchedulerOptions {
  /** BullMQ queue name; every instance that should share jobs uses the same one. Default `'mailover'`. */
  readonly queue?: string;
  /** BullMQ key prefix in Redis. Default `'mailover:bull'`. */
  readonly prefix?: string;
  /** Runs of a job before it is dropped (with a warning). Default 5. */
  readonly attempts?: number;
  /** First retry delay of a failed job, doubling each time. Default 1 000 ms. */
  readonly retryDelayMs?: number;
  /** Jobs this instance runs at once. Default 4. */
  readonly concurrency?: number;
  /** How long `schedule()` waits for Redis before failing. Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
  /**
   * How long a running job stays locked to this instance without a renewal (BullMQ `lockDuration`);
   * a job whose instance died is run elsewhere this long after the last renewal. Default 30 000 ms.
   */
  readonly lockDurationMs?: number;
  /** How often this instance looks for jobs whose lock expired (BullMQ `stalledInterval`). Default 30 000 ms. */
  readonly stalledIntervalMs?: number;
}

interface JobData {
  readonly payload: string;
}

interface Producer {
  readonly queue: Queue<JobData>;
  readonly client: Redis;
}

const loadBullmq = lazy(() => import('bullmq'));

// BullMQ refuses custom ids that contain ':' or look like integers; the engine's ids have colons.
// A digest keeps them unique, fixed-length and acceptable.
export const toBullJobId = (jobId: string) => `j${createHash('sha256').update(jobId).digest('base64url')}`;

const POLL_MS = 25;

/**
 * The Scheduler on BullMQ: `schedule` adds a delayed job to a Redis queue, and every instance that
 * has registered handlers runs a Worker on that queue, so a job is run by whichever instance is
 * alive when it falls due, even if the one that scheduled it has died. Jobs are at-least-once: a
 * failed job is retried with exponential backoff, and a job whose instance died mid-run is run again
 * after BullMQ's lock expires. Nothing loads or connects until `schedule()` or the first `handle()`.
 */
export function redisScheduler(
  connection: RedisSchedulerConnection = {},
  options: RedisSchedulerOptions = {},
): Scheduler {
  const queueName = options.queue ?? 'mailover';
  const prefix = options.prefix ?? 'mailover:bull';
  const attempts = options.attempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  const userClient = 'connection' in connection ? connection.connection : undefined;
  const url = userClient ? describeClient(userClient) : resolveUrl((connection as RedisUrlOptions).url);
  const secrets = userClient ? [userClient.options.password] : [passwordOf(url)];
  const handlers = new Map<string, (payload: string) => Promise<void>>();
  let lastConnectionError: Error | undefined;
  let worker: Promise<Worker<JobData> | undefined> | undefined;
  let producing: Promise<Producer> | undefined;
  let closed = false;

  const failure = (error: unknown, operation: string) =>
    toRedisError(error, operation, url, secrets, lastConnectionError);
  const remember = (error: Error) => {
    lastConnectionError = error;
  };

  // Fails (and is retried at the next call) when Redis cannot be reached in time.
  const producer = lazy(async (): Promise<Producer> => {
    const [{ Queue }, { Redis }] = await Promise.all([loadBullmq(), loadIoredis()]);
    // The producer's own client fails fast while Redis is down (see storeClientOptions).
    const client = userClient ?? new Redis(url, storeClientOptions(commandTimeoutMs));
    const queue = new Queue<JobData>(queueName, { connection: client, prefix });
    queue.on('error', remember);
    try {
      await withTimeout(queue.waitUntilReady(), commandTimeoutMs, 'connect');
      return { queue, client };
    } catch (error) {
      await queue.close().catch(() => {});
      if (!userClient) client.disconnect();
      throw error;
    }
  });

  const startWorker = async (): Promise<Worker<JobData> | undefined> => {
    const { Worker } = await loadBullmq();
    if (closed) return undefined;
    const process = async (job: { name: string; data: JobData }) => {
      const handler = handlers.get(job.name);
      // Another instance may know this job; failing lets BullMQ retry it, perhaps there.
      if (!handler) throw new Error(`no handler registered for job '${job.name}'`);
      await handler(job.data.payload);
    };
    // The worker waits out an outage (maxRetriesPerRequest: null) rather than failing: it has no
    // caller to report to, and it must pick jobs up again as soon as Redis is back.
    const created = new Worker<JobData>(queueName, process, {
      connection: userClient ?? { url, maxRetriesPerRequest: null },
      prefix,
      concurrency: options.concurrency ?? 4,
      // BullMQ renews a lock at half its duration, so a short lock only costs more renewals.
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    });
    created.on('error', remember);
    created.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        globalThis.process.emitWarning(
          `mailover: job '${job.name}' failed ${job.attemptsMade} times, giving up: ${error.message}`,
        );
      }
    });
    return created;
  };

  return {
    handle(name, run) {
      handlers.set(name, run);
      // A live instance must run jobs even if it never schedules one: start the worker now.
      worker ??= startWorker().catch((error: unknown) => {
        worker = undefined;
        globalThis.process.emitWarning(`mailover: job worker did not start: ${String(error)}`);
        return undefined;
      });
    },

    async schedule(name, payload, delayMs, jobId) {
      if (closed) return;
      try {
        producing = producer();
        const { queue } = await producing;
        await withTimeout(
          queue.add(
            name,
            { payload },
            {
              delay: Math.max(0, Math.ceil(delayMs)),
              ...(jobId === undefined ? {} : { jobId: toBullJobId(jobId) }),
              attempts,
              backoff: { type: 'exponential', delay: retryDelayMs },
              // Gone once done, so that the same jobId can be scheduled again later (as in memory).
              removeOnComplete: true,
              removeOnFail: true,
            },
          ),
          commandTimeoutMs,
          'add job',
        );
      } catch (error) {
        throw failure(error, `schedule job '${name}'`);
      }
    },

    async idle() {
      try {
        producing = producer();
        const { queue, client } = await producing;
        for (;;) {
          const counts = await queue.getJobCounts('active', 'waiting', 'prioritized');
          // A delayed job whose time has come counts as waiting; BullMQ scores them (due ms) * 0x1000.
          const due = await client.zcount(queue.keys.delayed!, 0, (Date.now() + 1) * 0x1000 - 1);
          const busy = (counts.active ?? 0) + (counts.waiting ?? 0) + (counts.prioritized ?? 0) + due;
          if (busy === 0) return;
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } catch (error) {
        throw failure(error, 'idle');
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      // Let running jobs finish; a job cut off here would run again elsewhere after its lock expires.
      const running = await worker;
      await running?.close();
      // Only a producer that was started has connections to release.
      const started = await producing?.catch(() => undefined);
      if (started) {
        await started.queue.close();
        if (!userClient) await started.client.quit().catch(() => started.client.disconnect());
      }
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${operation}: Command timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

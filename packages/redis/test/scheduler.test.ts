import type { Scheduler } from '@mailover/core';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisError, redisScheduler } from '../src/index.js';
import { findRedis, freePort, hasRedisServer, startRedisServer, uniqueName } from './redis-server.js';
import { Redis } from 'ioredis';

const target = await findRedis();
if ('skip' in target) console.warn(`@mailover/redis scheduler tests skipped: ${target.skip}`);
const describeRedis = 'skip' in target ? describe.skip : describe;
const url = 'url' in target ? target.url : 'redis://127.0.0.1:6379';
const prefix = `mailover:${uniqueName('bull')}`;

/** Resolve once `check` is true; fail the test if it is not within 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 400; tries += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeRedis('redisScheduler', () => {
  const queues: string[] = [];
  const schedulers: Scheduler[] = [];
  /** A scheduler on a queue of its own (or on `queue`, to share one between instances). */
  const make = (queue = uniqueName('queue'), options: { attempts?: number; retryDelayMs?: number } = {}) => {
    if (!queues.includes(queue)) queues.push(queue);
    const scheduler = redisScheduler({ url }, { queue, prefix, ...options });
    schedulers.push(scheduler);
    return { scheduler, queue };
  };

  afterAll(async () => {
    await Promise.all(schedulers.map((scheduler) => scheduler.close()));
    for (const name of queues) {
      const queue = new Queue(name, { connection: { url }, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await ('stop' in target ? target.stop() : undefined);
  });

  it('runs a delayed job once, after its delay, and idle() does not wait for it', async () => {
    const { scheduler } = make();
    const runs: string[] = [];
    scheduler.handle('recheck', async (payload) => {
      runs.push(payload);
    });
    await scheduler.schedule('recheck', '{"id":"m1"}', 400);
    // A job due later is not "work in progress": idle() must not wait for it.
    await scheduler.idle();
    expect(runs).toEqual([]);
    await until(() => runs.length > 0, 'the delayed job');
    await scheduler.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toEqual(['{"id":"m1"}']);
  });

  it('schedules a job once per jobId', async () => {
    const { scheduler } = make();
    const runs: string[] = [];
    scheduler.handle('failover', async (payload) => {
      runs.push(payload);
    });
    // The engine's ids contain colons, which BullMQ refuses as they are.
    await Promise.all([
      scheduler.schedule('failover', 'first', 150, 'failover:m1:ada@example.edu'),
      scheduler.schedule('failover', 'second', 150, 'failover:m1:ada@example.edu'),
      scheduler.schedule('failover', 'third', 150, 'failover:m1:ada@example.edu'),
      scheduler.schedule('failover', 'other', 150, 'failover:m1:bob@example.edu'),
    ]);
    await until(() => runs.length >= 2, 'both jobs');
    await scheduler.idle();
    expect(runs).toHaveLength(2);
    expect(runs).toContain('other');
    expect(['first', 'second', 'third']).toContain(runs.find((payload) => payload !== 'other'));
    // Once run, the same jobId may be scheduled again (a new deferral, a new recheck).
    await scheduler.schedule('failover', 'again', 0, 'failover:m1:ada@example.edu');
    await until(() => runs.includes('again'), 'the rescheduled job');
  });

  it('waits in idle() for a job that is running', async () => {
    const { scheduler } = make();
    let finished = false;
    scheduler.handle('slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    await scheduler.schedule('slow', '', 0);
    await scheduler.idle();
    expect(finished).toBe(true);
  });

  it('has a job scheduled by an instance that is gone run by another one', async () => {
    const queue = uniqueName('shared');
    const { scheduler: doomed } = make(queue);
    const doomedRuns: string[] = [];
    doomed.handle('failover', async (payload) => {
      doomedRuns.push(payload);
    });
    await doomed.schedule('failover', 'pending failover', 800, 'failover:m2:carol@example.edu');
    await doomed.close(); // before the delay elapses

    const { scheduler: survivor } = make(queue);
    const survivorRuns: string[] = [];
    survivor.handle('failover', async (payload) => {
      survivorRuns.push(payload);
    });
    await until(() => survivorRuns.length > 0, 'the surviving instance to run the job');
    expect(survivorRuns).toEqual(['pending failover']);
    expect(doomedRuns).toEqual([]);
  });

  it('retries a job whose handler failed', async () => {
    const { scheduler } = make(undefined, { attempts: 3, retryDelayMs: 50 });
    const attempts: string[] = [];
    scheduler.handle('failover', async (payload) => {
      attempts.push(payload);
      if (attempts.length === 1) throw new Error('provider timed out');
    });
    await scheduler.schedule('failover', 'retry me', 0);
    await until(() => attempts.length >= 2, 'the retry');
    await scheduler.idle();
    expect(attempts).toEqual(['retry me', 'retry me']);
  });

  it('gives up after the last attempt, with a warning', async () => {
    const { scheduler } = make(undefined, { attempts: 2, retryDelayMs: 20 });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    let attempts = 0;
    scheduler.handle('doomed', async () => {
      attempts += 1;
      throw new Error('always fails');
    });
    try {
      await scheduler.schedule('doomed', '', 0);
      await until(() => warnings.some((warning) => warning.includes("'doomed'")), 'the warning');
      await scheduler.idle();
      expect(attempts).toBe(2);
      expect(warnings.find((warning) => warning.includes("'doomed'"))).toContain('always fails');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('redisScheduler when Redis is down', () => {
  it('rejects schedule() with an error naming the server but not its password', async () => {
    const port = await freePort();
    const scheduler = redisScheduler(
      { url: `redis://:hunter2-secret@127.0.0.1:${port}` },
      { commandTimeoutMs: 300 },
    );
    const error = await scheduler.schedule('failover', '{}', 1_000).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(RedisError.isInstance(error)).toBe(true);
    expect((error as RedisError).unavailable).toBe(true);
    expect((error as RedisError).message).toContain(`127.0.0.1:${port}`);
    expect(
      JSON.stringify({ ...(error as RedisError), message: (error as RedisError).message }),
    ).not.toContain('hunter2');
    await scheduler.close();
  });
});

const describeRestart = hasRedisServer() ? describe : describe.skip;
if (!hasRedisServer()) console.warn('redisScheduler recovery test skipped: redis-server is not installed');
describeRestart('redisScheduler with a server that goes away and comes back', () => {
  it('schedules and runs jobs again once Redis is back', async () => {
    const server = await startRedisServer();
    const scheduler = redisScheduler({ url: server.url }, { queue: 'recovery', commandTimeoutMs: 500 });
    const runs: string[] = [];
    scheduler.handle('recheck', async (payload) => {
      runs.push(payload);
    });
    try {
      await scheduler.schedule('recheck', 'before', 0);
      await until(() => runs.includes('before'), 'the job before the outage');

      const killer = new Redis(server.url, { retryStrategy: () => null });
      await killer.call('SHUTDOWN', 'NOSAVE').catch(() => {});
      killer.disconnect();
      await server.stop();
      const error = await scheduler.schedule('recheck', 'during', 0).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(RedisError.isInstance(error) && error.unavailable).toBe(true);

      await server.restart();
      let scheduled = false;
      for (let tries = 0; tries < 100 && !scheduled; tries += 1) {
        scheduled = await scheduler.schedule('recheck', 'after', 0).then(
          () => true,
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 50));
            return false;
          },
        );
      }
      expect(scheduled).toBe(true);
      // The worker reconnects on its own and picks the job up.
      await until(() => runs.includes('after'), 'the job after the outage');
      expect(runs).not.toContain('during');
    } finally {
      await scheduler.close();
      await server.stop();
    }
  });
});

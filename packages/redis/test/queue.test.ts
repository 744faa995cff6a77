import { createMailer, type Mailer } from '@mailover/core';
import { jobReaches, mockProvider, type QueueInstanceFactory, testQueue } from '@mailover/core/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redis } from '../src/index.js';
import { findRedis, uniqueName } from './redis-server.js';

const target = await findRedis();
if ('skip' in target) console.warn(`@mailover/redis queue tests skipped: ${target.skip}`);
const describeRedis = 'skip' in target ? describe.skip : describe;
const url = 'url' in target ? target.url : 'redis://127.0.0.1:6379';

const message = (subject: string) => ({
  from: 'shop@example.com',
  to: 'ada@example.org',
  subject,
  text: 'Paid.',
});

describeRedis('the BullMQ queue of @mailover/redis', () => {
  const run = uniqueName('queue');
  const prefix = `mailover:${run}:`;
  const bullPrefix = `mailover:${run}:bull`;
  const queues = new Set<string>();
  const mailers: Mailer[] = [];
  afterAll(async () => {
    await Promise.all(mailers.map((mailer) => mailer.close()));
    for (const name of queues) {
      const bull = new Queue(name, { connection: { url }, prefix: bullPrefix });
      await bull.obliterate({ force: true });
      await bull.close();
    }
    const admin = new Redis(url);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
    await ('stop' in target ? target.stop() : undefined);
  });

  const instance: QueueInstanceFactory = (label, extra = {}) => {
    queues.add(`${run}-${label}`);
    const provider = mockProvider({ id: 'esp', ...(extra.script ? { script: extra.script } : {}) });
    const mailer = createMailer({
      providers: [provider],
      breaker: false,
      retry: { retries: 0 },
      ...redis({
        url,
        prefix: `${prefix}${label}:`,
        scheduler: { queue: `${run}-${label}-scheduler`, prefix: bullPrefix },
        queue: { queue: `${run}-${label}`, prefix: bullPrefix },
      }),
      ...(extra.worker === undefined ? {} : { worker: extra.worker }),
    });
    queues.add(`${run}-${label}-scheduler`);
    mailers.push(mailer);
    return { mailer, provider };
  };

  testQueue('BullMQ', instance, { describe, it });

  it('counts its jobs for the queue gauges; a retried job keeps its due time for them', async () => {
    const { mailer } = instance('stats', { script: [{ fail: 'provider_unavailable' }, 'ok'] });
    const { id } = await mailer.enqueue(message('retried'));
    await jobReaches(mailer, id, 'scheduled');
    // The worker moves the job to BullMQ's delayed set just after reporting it scheduled.
    let stats = await mailer.queueStats();
    while (stats?.scheduled !== 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await mailer.queueStats();
    }
    expect(stats).toEqual({ queue: 'bullmq', durable: true, queued: 0, scheduled: 1, sending: 0 });
    const status = await mailer.status(id);
    const bull = new Queue(`${run}-stats`, { connection: { url }, prefix: bullPrefix });
    const admin = new Redis(url);
    try {
      const [job] = await bull.getJobs(['delayed']);
      expect(Number(await admin.hget(bull.toKey(job!.id!), 'mailoverDueAt'))).toBe(
        status?.state === 'scheduled' ? status.runAt : Number.NaN,
      );
    } finally {
      await bull.close();
      await admin.quit();
    }
  });

  it('refuses a transactional db client, pointing to @mailover/postgres', async () => {
    const { mailer } = instance('db', { worker: false });
    await expect(mailer.enqueue(message('x'), { db: {} })).rejects.toThrow(/use @mailover\/postgres/);
  });
});

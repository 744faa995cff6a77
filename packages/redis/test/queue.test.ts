import { createMailer, type Mailer } from '@mailover/core';
import { mockProvider, type QueueInstanceFactory, testQueue } from '@mailover/core/testing';
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

  it('refuses a transactional db client, pointing to @mailover/postgres', async () => {
    const { mailer } = instance('db', { worker: false });
    await expect(mailer.enqueue(message('x'), { db: {} })).rejects.toThrow(/use @mailover\/postgres/);
  });
});

import { createMailer, type Mailer, type MailerEvents } from '@mailover/core';
import { type MockProvider, type MockProviderOptions, mockProvider } from '@mailover/core/testing';
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

function reaches(mailer: Mailer, id: string, state: MailerEvents['job']['state']): Promise<void> {
  return new Promise((resolve) => {
    const off = mailer.on('job', (event) => {
      if (event.id === id && event.state === state) {
        off();
        resolve();
      }
    });
  });
}

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

  const instance = (
    label: string,
    extra: { worker?: false | { retryDelaysMs?: number[] }; script?: MockProviderOptions['script'] } = {},
  ): { mailer: Mailer; provider: MockProvider } => {
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

  it('lets an API instance (worker: false) enqueue and another instance send', async () => {
    const api = instance('api', { worker: false });
    const worker = instance('api');
    const { id } = await api.mailer.enqueue(message('from the API'));
    await reaches(worker.mailer, id, 'sent');
    expect(api.provider.calls).toHaveLength(0);
    expect(worker.provider.calls).toHaveLength(1);
    expect((await api.mailer.status(id))?.state).toBe('sent');
  });

  it('sends each of 30 messages once with two workers on one queue', async () => {
    const [a, b] = [instance('two'), instance('two')];
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, index) => a.mailer.enqueue(message(`m${index}`))),
    );
    await Promise.all(
      ids.map(({ id }) => Promise.race([reaches(a.mailer, id, 'sent'), reaches(b.mailer, id, 'sent')])),
    );
    const subjects = [...a.provider.calls, ...b.provider.calls].map((call) => call.message.subject).sort();
    expect(subjects).toEqual(Array.from({ length: 30 }, (_, index) => `m${index}`).sort());
  });

  it('retries a job whose providers all failed by delaying it to the scheduled time', async () => {
    const { mailer, provider } = instance('retry', {
      script: [{ fail: 'provider_unavailable' }, 'ok'],
      worker: { retryDelaysMs: [300] },
    });
    const { id } = await mailer.enqueue(message('retried'));
    await reaches(mailer, id, 'sent');
    expect(provider.calls).toHaveLength(2);
  });

  it('cancels a scheduled job before it starts', async () => {
    const { mailer, provider } = instance('cancel');
    const { id } = await mailer.enqueue(message('cancelled'), { sendAt: new Date(Date.now() + 60_000) });
    expect(await mailer.cancel(id)).toBe(true);
    expect((await mailer.status(id))?.state).toBe('cancelled');
    expect(provider.calls).toHaveLength(0);
  });

  it('refuses a transactional db client, pointing to @mailover/postgres', async () => {
    const { mailer } = instance('db', { worker: false });
    await expect(mailer.enqueue(message('x'), { db: {} })).rejects.toThrow(/use @mailover\/postgres/);
  });
});

import { createMailer, type Mailer } from '@mailover/core';
import {
  type MockWebhookEvent,
  mockProvider,
  mockWebhooks,
  mockWebhookRequest,
} from '@mailover/core/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redis } from '../src/index.js';
import { findRedis, uniqueName } from './redis-server.js';

const target = await findRedis();
if ('skip' in target) console.warn(`@mailover/redis mailer tests skipped: ${target.skip}`);
const describeRedis = 'skip' in target ? describe.skip : describe;
const url = 'url' in target ? target.url : 'redis://127.0.0.1:6379';

const GREYLISTED = '450 4.2.0 <ada@example.edu>: Recipient address rejected: Greylisted, try again later';

describeRedis('two mailer instances sharing one Redis', () => {
  const run = uniqueName('mailer');
  const prefix = `mailover:${run}:`;
  const queue = run;
  const bullPrefix = `mailover:${run}:bull`;

  /** One instance: its own providers and connections, the same Redis keys and queue as the others. */
  const instance = () => {
    const esp = mockProvider({ id: 'esp', ip: 'rotating', webhooks: mockWebhooks({ provider: 'esp' }) });
    const relay = mockProvider({ id: 'relay', ip: 'fixed' });
    const mailer = createMailer({
      providers: [esp, relay],
      ...redis({
        url,
        prefix,
        scheduler: { queue, prefix: bullPrefix },
        queue: { queue: `${queue}-send`, prefix: bullPrefix },
      }),
    });
    const post = (events: MockWebhookEvent[]) => mailer.webhooks.handle('esp', mockWebhookRequest(events));
    return { mailer, esp, relay, post };
  };
  const mailers: Mailer[] = [];

  afterAll(async () => {
    await Promise.all(mailers.map((mailer) => mailer.close()));
    for (const name of [queue, `${queue}-send`]) {
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

  it('see each other’s messages and fail a greylisting loop over once between them', async () => {
    const first = instance();
    const second = instance();
    mailers.push(first.mailer, second.mailer);

    const sent = await first.mailer.send({
      from: 'app@example.com',
      to: ['ada@example.edu'],
      subject: 'Your code',
      text: '123456',
    });
    expect((await second.mailer.status(sent.id))?.recipients['ada@example.edu']?.state).toBe('accepted');

    const deferral = (attempt: number, sendingIp: string): MockWebhookEvent => ({
      type: 'deferred',
      recipient: 'ada@example.edu',
      mailoverId: sent.id,
      time: Date.now(),
      smtp: GREYLISTED,
      attempt,
      sendingIp,
    });
    // The provider's webhooks land on either instance, the second deferral on both (a retry).
    expect((await first.post([deferral(1, '127.1.0.5')])).status).toBe(200);
    const [a, b] = await Promise.all([
      first.post([deferral(2, '127.2.0.9')]),
      second.post([deferral(2, '127.2.0.9')]),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);

    for (
      let tries = 0;
      tries < 200 && first.relay.calls.length + second.relay.calls.length === 0;
      tries += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await Promise.all([first.mailer.idle(), second.mailer.idle()]);
    expect(first.relay.calls.length + second.relay.calls.length).toBe(1);
    const status = await second.mailer.status(sent.id);
    expect(status?.recipients['ada@example.edu']).toMatchObject({ state: 'failed_over', provider: 'relay' });
  });

  it('make one provider call for one idempotency key sent from both at once', async () => {
    const [first, second] = [instance(), instance()];
    mailers.push(first.mailer, second.mailer);
    const receipt = {
      from: 'shop@example.com',
      to: 'ada@example.edu',
      subject: 'Receipt',
      text: 'Paid.',
      idempotencyKey: `${run}-receipt`,
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 ? first : second).mailer.send(receipt)),
    );
    const calls = [first, second].flatMap((one) => [...one.esp.calls, ...one.relay.calls]);
    expect(calls).toHaveLength(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
  });
});

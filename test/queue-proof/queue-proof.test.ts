/**
 * The queue's promises, proved with real processes on each durable backend: workers that are
 * SIGKILLed mid-run, two workers on one queue, an outage of every provider on a scaled clock, the
 * same idempotency key sent from two processes at once. The sandbox (in this process) counts what
 * each provider really accepted. See docs/queue.md.
 */
import type { Mailer, MessageInput } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropSchemas, findDatabase, uniqueSchema } from '../../packages/postgres/test/database.js';
import { findRedis, uniqueName } from '../../packages/redis/test/redis-server.js';
import { deleteKeys } from '../multi-instance/redis-admin.js';
import { type BackendConfig, buildMailer, type MailerConfig } from './backend.js';
import { sendFromProcess, startWorker, type WorkerProcess } from './harness.js';

const database = await findDatabase();
const redisTarget = await findRedis();
if ('skip' in database) console.warn(`queue proof on PostgreSQL skipped: ${database.skip}`);
if ('skip' in redisTarget) console.warn(`queue proof on Redis skipped: ${redisTarget.skip}`);

const runSchema = uniqueSchema('proof');
/** Every Redis key prefix this run used, deleted at the end (the Redis is shared). */
const redisPrefixes = new Set<string>();
const backends: { name: string; available: boolean; make: (label: string) => BackendConfig }[] = [
  {
    name: 'PostgreSQL (pg-boss)',
    available: !('skip' in database),
    make: (label) => ({
      kind: 'postgres',
      connectionString: 'connectionString' in database ? database.connectionString : '',
      schema: `${runSchema}_${label}`,
    }),
  },
  {
    name: 'Redis (BullMQ)',
    available: !('skip' in redisTarget),
    make: (label) => {
      const prefix = uniqueName(`proof-${label}`);
      redisPrefixes.add(prefix);
      return { kind: 'redis', url: 'url' in redisTarget ? redisTarget.url : '', prefix };
    },
  },
];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
  if ('connectionString' in database) await dropSchemas(database.connectionString, runSchema);
  if ('url' in redisTarget) for (const prefix of redisPrefixes) await deleteKeys(redisTarget.url, prefix);
  if ('stop' in redisTarget) await redisTarget.stop();
});
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

const receipt = (index: number, run: string): MessageInput => ({
  from: 'shop@example.test',
  to: `customer${index}@example.org`,
  subject: `Receipt ${index}`,
  text: `Order ${index}: paid.`,
  idempotencyKey: `${run}-receipt-${index}`,
});

/** Acceptances at the sandbox per Message-ID. */
function acceptances(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sandbox.messages)
    counts.set(message.messageId!, (counts.get(message.messageId!) ?? 0) + 1);
  return counts;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`queue proof on ${backend.name}`, () => {
    const workers: WorkerProcess[] = [];
    const mailers: Mailer[] = [];
    afterAll(async () => {
      await Promise.all(workers.map((worker) => worker.kill()));
      await Promise.all(mailers.map((mailer) => mailer.close()));
    });

    const configFor = (label: string, worker: MailerConfig['worker']): MailerConfig => ({
      backend: backend.make(label),
      sandbox: {
        url: sandbox.url,
        sendgridKey: sandbox.credentials.sendgrid.apiKey,
        postmarkToken: sandbox.credentials.postmark.serverToken,
      },
      worker,
      idempotencyLeaseMs: 3_000,
    });
    const api = (config: MailerConfig) => {
      const mailer = buildMailer({ ...config, worker: false });
      mailers.push(mailer);
      return mailer;
    };
    const spawnWorker = async (config: MailerConfig) => {
      const worker = await startWorker(config);
      workers.push(worker);
      return worker;
    };

    it('1,000 messages, workers SIGKILLed mid-run and restarted: each accepted once or flagged, none lost', async () => {
      const config = configFor('kill', { concurrency: 8, retryDelaysMs: [200, 500, 1_000, 2_000, 5_000] });
      const producer = api(config);
      const run = uniqueName('kill');
      const messages = Array.from({ length: 1_000 }, (_, index) => receipt(index, run));
      const enqueued = [];
      for (let start = 0; start < messages.length; start += 50) {
        enqueued.push(
          ...(await Promise.all(
            messages.slice(start, start + 50).map((message) => producer.enqueue(message)),
          )),
        );
      }
      const live = [await spawnWorker(config), await spawnWorker(config)];
      // Kill one of the two every 1.5 s while the queue drains, and start a fresh one in its place.
      for (let kill = 0; kill < 4 && acceptances().size < messages.length; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const victim = live.shift()!;
        await victim.kill();
        live.push(await spawnWorker(config));
      }
      await until(() => acceptances().size >= messages.length, 180_000, 'every message to be accepted');

      const counts = acceptances();
      expect(counts.size).toBe(messages.length); // none lost
      for (const { messageId } of enqueued) expect(counts.has(messageId), messageId).toBe(true);
      // A message accepted twice must say so: its replayed result carries the flag.
      const twice = enqueued.filter(({ messageId }) => counts.get(messageId)! > 1);
      for (const { id } of twice) {
        const index = enqueued.findIndex((entry) => entry.id === id);
        const replay = await producer.send(messages[index]!);
        expect(replay.replayed).toBe(true);
        expect(
          replay.possibleDuplicate,
          `${id} was accepted ${counts.get(enqueued[index]!.messageId)} times`,
        ).toBe(true);
      }
      for (const { id } of enqueued.slice(0, 50)) expect((await producer.status(id))?.state).toBe('sent');
      // Its workers may still be running late retries: stop them before the next test counts.
      await Promise.all(live.map((worker) => worker.kill()));
    }, 240_000);

    it('two workers on one queue: no message is sent twice', async () => {
      const config = configFor('two', { concurrency: 4 });
      const producer = api(config);
      const run = uniqueName('two');
      const enqueued = await Promise.all(
        Array.from({ length: 200 }, (_, index) => producer.enqueue(receipt(index, run))),
      );
      await Promise.all([spawnWorker(config), spawnWorker(config)]);
      await until(() => acceptances().size >= enqueued.length, 120_000, 'every message to be accepted');
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // a late duplicate would land now
      const counts = acceptances();
      const ours = new Set(enqueued.map(({ messageId }) => messageId));
      expect([...counts.values()].every((times) => times === 1)).toBe(true);
      // Only this run's messages: another test's late retries must not count for or against it.
      expect(sandbox.messages.filter((message) => ours.has(message.messageId!))).toHaveLength(
        enqueued.length,
      );
    }, 180_000);

    it('every provider down for a long stretch (a scaled clock: 1 ms for 1 s), then back: all delivered, none dead', async () => {
      // The default schedule (1 min, 5 min, 30 min, 2 h, 6 h) at 1/1000 scale.
      const config = configFor('outage', { concurrency: 4, retryDelaysMs: [60, 300, 1_800, 7_200, 21_600] });
      sandbox.faults.set('sendgrid', { kind: 'outage' });
      sandbox.faults.set('postmark', { kind: 'outage' });
      const producer = api(config);
      const run = uniqueName('outage');
      const enqueued = await Promise.all(
        Array.from({ length: 40 }, (_, index) => producer.enqueue(receipt(index, run))),
      );
      await spawnWorker(config);
      // Down for 4 s (about 70 minutes at this scale): each job fails and waits on the schedule.
      await until(() => sandbox.requests.sendgrid >= 80, 30_000, 'the workers to hit the outage');
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(sandbox.messages).toHaveLength(0);
      sandbox.faults.clear();
      await until(() => acceptances().size >= enqueued.length, 60_000, 'every message to be delivered');
      for (const { id } of enqueued) expect((await producer.status(id))?.state).toBe('sent');
      expect(sandbox.messages).toHaveLength(enqueued.length);
    }, 120_000);

    it('the same idempotency key from two processes at once: one provider call', async () => {
      const config = configFor('samekey', false);
      const message = receipt(1, uniqueName('samekey'));
      const [first, second] = await Promise.all([
        sendFromProcess(config, message),
        sendFromProcess(config, message),
      ]);
      expect(sandbox.messages).toHaveLength(1);
      expect([first.replayed ?? false, second.replayed ?? false].sort()).toEqual([false, true]);
      expect(first.providerMessageId).toBe(second.providerMessageId);
    }, 60_000);
  });
}

import { createMailer, type Mailer } from '@mailover/core';
import { jobReaches, mockProvider, type QueueInstanceFactory, testQueue } from '@mailover/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgres } from '../src/index.js';
import { dropSchemas, findDatabase, uniqueSchema } from './database.js';

const target = await findDatabase();
if ('skip' in target) console.warn(`@mailover/postgres queue tests skipped: ${target.skip}`);
const describeDatabase = 'skip' in target ? describe.skip : describe;
const connectionString = 'connectionString' in target ? target.connectionString : '';
const runSchema = uniqueSchema('queue');

const message = (subject: string) => ({
  from: 'shop@example.com',
  to: 'ada@example.org',
  subject,
  text: 'Paid.',
});

describeDatabase('the pg-boss queue of @mailover/postgres', () => {
  const mailers: Mailer[] = [];
  afterAll(async () => {
    await Promise.all(mailers.map((mailer) => mailer.close()));
    await dropSchemas(connectionString, runSchema);
  });

  /** An instance on the schema named by `label`: its own pool, provider and worker (unless `worker: false`). */
  const instance: QueueInstanceFactory = (label, extra = {}) => {
    const schema = `${runSchema}_${label}`;
    const provider = mockProvider({ id: 'esp', ...(extra.script ? { script: extra.script } : {}) });
    const mailer = createMailer({
      providers: [provider],
      breaker: false,
      retry: { retries: 0 },
      ...postgres({ connectionString, schema, queue: { pollingIntervalSeconds: 0.5 } }),
      ...(extra.worker === undefined ? {} : { worker: extra.worker }),
    });
    mailers.push(mailer);
    return { mailer, provider };
  };

  it('stores the job in PostgreSQL and sends it from the worker', async () => {
    const { mailer, provider } = instance('one');
    const { id } = await mailer.enqueue(message('one'));
    await jobReaches(mailer, id, 'sent');
    expect(provider.calls.map((call) => call.message.subject)).toEqual(['one']);
    expect((await mailer.status(id))?.state).toBe('sent');
  });

  testQueue('pg-boss', instance, { describe, it });

  it('instances starting together on a new schema all start (pg-boss create_queue can deadlock)', async () => {
    // Four instances enqueue at once: each starts pg-boss and creates the queue concurrently.
    const started = Array.from({ length: 4 }, () => instance('together', { worker: false }));
    const results = await Promise.allSettled(
      started.map(({ mailer }, index) => mailer.enqueue(message(`together ${index}`))),
    );
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
  });

  describe('the transactional outbox: enqueue through your client, inside your transaction', () => {
    it('sends nothing when the transaction rolls back, and sends once it commits', async () => {
      const api = instance('outbox', { worker: false });
      const worker = instance('outbox');
      const schema = `${runSchema}_outbox`;
      await api.mailer.enqueue(message('warm-up')); // pg-boss creates its schema outside the transactions
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query('CREATE TABLE IF NOT EXISTS ' + `"${schema}".orders (id text PRIMARY KEY)`);
        await client.query('BEGIN');
        await client.query(`INSERT INTO "${schema}".orders VALUES ('rolled-back')`);
        const rolledBack = await api.mailer.enqueue(message('rolled back'), { db: client });
        await client.query('ROLLBACK');

        await client.query('BEGIN');
        await client.query(`INSERT INTO "${schema}".orders VALUES ('committed')`);
        const committed = await api.mailer.enqueue(message('committed'), { db: client });
        // Not visible to the worker before the commit.
        await new Promise((resolve) => setTimeout(resolve, 800));
        expect(worker.provider.calls.map((call) => call.message.subject)).not.toContain('committed');
        await client.query('COMMIT');

        await jobReaches(worker.mailer, committed.id, 'sent');
        await worker.mailer.idle();
        const subjects = worker.provider.calls.map((call) => call.message.subject);
        expect(subjects.filter((subject) => subject === 'committed')).toHaveLength(1);
        expect(subjects).not.toContain('rolled back');
        expect(await api.mailer.status(rolledBack.id)).toBeUndefined();
      } finally {
        await client.end();
      }
    });

    it('refuses a db that is not a pg client, naming the option', async () => {
      const api = instance('outbox', { worker: false });
      await expect(api.mailer.enqueue(message('x'), { db: { execute: () => {} } })).rejects.toThrow(
        /`db` must be a pg Client or PoolClient/,
      );
    });
  });
});

import { createMailer, type Mailer, type MailerEvents } from '@mailover/core';
import { type MockProvider, type MockProviderOptions, mockProvider } from '@mailover/core/testing';
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

/** Resolves when job `id` reaches `state` on `mailer` (by its events). */
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

describeDatabase('the pg-boss queue of @mailover/postgres', () => {
  const mailers: Mailer[] = [];
  afterAll(async () => {
    await Promise.all(mailers.map((mailer) => mailer.close()));
    await dropSchemas(connectionString, runSchema);
  });

  /** An instance on schema `schema`: its own pool, provider and worker (unless `worker: false`). */
  const instance = (
    schema: string,
    extra: { worker?: false | { retryDelaysMs?: number[] }; script?: MockProviderOptions['script'] } = {},
  ): { mailer: Mailer; provider: MockProvider } => {
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
    const { mailer, provider } = instance(`${runSchema}_one`);
    const { id } = await mailer.enqueue(message('one'));
    await reaches(mailer, id, 'sent');
    expect(provider.calls.map((call) => call.message.subject)).toEqual(['one']);
    expect((await mailer.status(id))?.state).toBe('sent');
  });

  it('lets an API instance (worker: false) enqueue and another instance send', async () => {
    const schema = `${runSchema}_api`;
    const api = instance(schema, { worker: false });
    const worker = instance(schema);
    const { id } = await api.mailer.enqueue(message('from the API'));
    await reaches(worker.mailer, id, 'sent');
    expect(api.provider.calls).toHaveLength(0);
    expect(worker.provider.calls).toHaveLength(1);
    expect((await api.mailer.status(id))?.state).toBe('sent');
  });

  it('sends each of 30 messages once with two workers on one queue', async () => {
    const schema = `${runSchema}_two`;
    const [a, b] = [instance(schema), instance(schema)];
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, index) => a.mailer.enqueue(message(`m${index}`))),
    );
    await Promise.all(
      ids.map(({ id }) => Promise.race([reaches(a.mailer, id, 'sent'), reaches(b.mailer, id, 'sent')])),
    );
    const subjects = [...a.provider.calls, ...b.provider.calls].map((call) => call.message.subject).sort();
    expect(subjects).toEqual(Array.from({ length: 30 }, (_, index) => `m${index}`).sort());
  });

  it('retries a job whose providers all failed, as a new pg-boss job at the scheduled time', async () => {
    const { mailer, provider } = instance(`${runSchema}_retry`, {
      script: [{ fail: 'provider_unavailable' }, 'ok'],
      worker: { retryDelaysMs: [300] },
    });
    const { id } = await mailer.enqueue(message('retried'));
    await reaches(mailer, id, 'sent');
    expect(provider.calls).toHaveLength(2);
    expect((await mailer.status(id))?.state).toBe('sent');
  });

  describe('the transactional outbox: enqueue through your client, inside your transaction', () => {
    const schema = `${runSchema}_outbox`;

    it('sends nothing when the transaction rolls back, and sends once it commits', async () => {
      const api = instance(schema, { worker: false });
      const worker = instance(schema);
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

        await reaches(worker.mailer, committed.id, 'sent');
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
      const api = instance(schema, { worker: false });
      await expect(api.mailer.enqueue(message('x'), { db: { execute: () => {} } })).rejects.toThrow(
        /`db` must be a pg Client or PoolClient/,
      );
    });
  });
});

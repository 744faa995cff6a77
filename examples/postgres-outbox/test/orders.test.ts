import { createMailer, type Mailer } from '@mailover/core';
import { postgres } from '@mailover/postgres';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersTable, placeOrder } from '../src/orders.js';

const connectionString = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
const reason = await probe.connect().then(
  () => undefined,
  (error: unknown) => `no PostgreSQL at ${connectionString} (${String(error)}); set TEST_DATABASE_URL`,
);
await probe.end().catch(() => {});
if (reason) console.warn(`postgres-outbox example tests skipped: ${reason}`);

describe.skipIf(reason !== undefined)('placing an order enqueues its receipt in the same transaction', () => {
  const schema = `test_outbox_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let sandbox: Sandbox;
  let pool: pg.Pool;
  let mailer: Mailer;
  beforeAll(async () => {
    sandbox = await startSandbox();
    pool = new pg.Pool({ connectionString, max: 4 });
    await createOrdersTable(pool, schema);
    mailer = createMailer({
      providers: [
        sendgrid({ apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid }),
      ],
      ...postgres({ pool, schema, queue: { pollingIntervalSeconds: 0.5, schema: `${schema}_queue` } }),
    });
  });
  afterAll(async () => {
    await mailer.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}_queue" CASCADE`);
    await pool.end();
    await sandbox.close();
  });

  it('a committed order gets its receipt; a failed one gets neither row nor mail', async () => {
    const kept = await placeOrder(pool, mailer, schema, {
      id: 'A-1',
      email: 'ada@example.org',
      totalCents: 4200,
    });
    const failed = placeOrder(
      pool,
      mailer,
      schema,
      { id: 'B-1', email: 'bob@example.org', totalCents: 999 },
      () => {
        throw new Error('payment declined');
      },
    );
    await expect(failed).rejects.toThrow('payment declined');
    await new Promise<void>((resolve) => {
      const off = mailer.on('job', (event) => {
        if (event.id === kept.id && event.state === 'sent') {
          off();
          resolve();
        }
      });
    });
    await mailer.idle();
    expect(sandbox.messages.map((message) => message.subject)).toEqual(['Your receipt for order A-1']);
    const { rows } = await pool.query(`SELECT id FROM "${schema}".orders ORDER BY id`);
    expect(rows.map((row) => row.id)).toEqual(['A-1']);
  });
});

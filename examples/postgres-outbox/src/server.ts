/**
 * The outbox demo: starts the sandbox, a mailer on PostgreSQL (DATABASE_URL, default the local
 * `test` database), places one order that commits and one whose transaction fails, and shows
 * which receipts the provider received.
 *
 *   pnpm --filter @mailover/example-postgres-outbox start
 */
import { createMailer } from '@mailover/core';
import { postgres } from '@mailover/postgres';
import { startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import pg from 'pg';
import { createOrdersTable, placeOrder } from './orders.js';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'mailover_outbox_demo';
const sandbox = await startSandbox();
const pool = new pg.Pool({ connectionString });
await createOrdersTable(pool, schema);
const mailer = createMailer({
  providers: [
    sendgrid({ apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid }),
  ],
  // The same pool for the orders and mailover: one set of connections.
  ...postgres({ pool, schema, queue: { pollingIntervalSeconds: 0.5 } }),
});

const suffix = Date.now().toString(36);
const kept = await placeOrder(pool, mailer, schema, {
  id: `A-${suffix}`,
  email: 'ada@example.org',
  totalCents: 4200,
});
console.log(`order A-${suffix} committed; receipt ${kept.id} queued`);
await placeOrder(
  pool,
  mailer,
  schema,
  { id: `B-${suffix}`, email: 'bob@example.org', totalCents: 999 },
  () => {
    throw new Error('payment declined');
  },
).catch((error: unknown) =>
  console.log(`order B-${suffix} rolled back (${(error as Error).message}); its receipt with it`),
);

await new Promise<void>((resolve) => {
  const off = mailer.on('job', (event) => {
    if (event.id === kept.id && event.state === 'sent') {
      off();
      resolve();
    }
  });
});
console.log(
  'the provider received:',
  sandbox.messages.map((message) => `${message.subject} → ${message.to[0]?.address}`),
);
await mailer.close();
await pool.end();
await sandbox.close();

/**
 * "Send the receipt" as part of "commit the order": the order row and the receipt's queue job are
 * written in one PostgreSQL transaction, through the same client. Roll back and no mail ever
 * leaves; commit and the receipt is sent (at least once, exactly once at the provider unless
 * flagged possibleDuplicate), even if this process dies right after the commit.
 */
import type { EnqueueResult, Mailer } from '@mailover/core';
import type { Pool } from 'pg';

export interface Order {
  readonly id: string;
  readonly email: string;
  readonly totalCents: number;
}

/** Create the orders table (once, at start-up). */
export async function createOrdersTable(pool: Pool, schema: string): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".orders (id text PRIMARY KEY, email text NOT NULL, total_cents integer NOT NULL)`,
  );
}

/**
 * Record the order and enqueue its receipt in one transaction. `fail` lets a caller (the demo, the
 * test) make the transaction fail after the enqueue, to show that the receipt goes with it.
 */
export async function placeOrder(
  pool: Pool,
  mailer: Mailer,
  schema: string,
  order: Order,
  fail?: () => void,
): Promise<EnqueueResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO "${schema}".orders (id, email, total_cents) VALUES ($1, $2, $3)`, [
      order.id,
      order.email,
      order.totalCents,
    ]);
    const receipt = await mailer.enqueue(
      {
        from: 'Shop <shop@example.test>',
        to: order.email,
        subject: `Your receipt for order ${order.id}`,
        text: `Thank you! Total: ${(order.totalCents / 100).toFixed(2)} EUR.`,
      },
      // The job is inserted through `client`, inside this transaction. The key makes a retried
      // request (same order) one receipt, not two.
      { db: client, idempotencyKey: `receipt-${order.id}` },
    );
    fail?.();
    await client.query('COMMIT');
    return receipt;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

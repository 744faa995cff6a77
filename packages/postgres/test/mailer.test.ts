import { createMailer, type Mailer } from '@mailover/core';
import { mockProvider } from '@mailover/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postgres } from '../src/index.js';
import { dropSchemas, findDatabase, uniqueSchema } from './database.js';

const target = await findDatabase();
if ('skip' in target) console.warn(`@mailover/postgres mailer tests skipped: ${target.skip}`);
const describeDatabase = 'skip' in target ? describe.skip : describe;
const connectionString = 'connectionString' in target ? target.connectionString : '';
const schema = uniqueSchema('mailer');

describeDatabase('two mailer instances sharing one PostgreSQL', () => {
  const mailers: Mailer[] = [];
  afterAll(async () => {
    await Promise.all(mailers.map((mailer) => mailer.close()));
    await dropSchemas(connectionString, schema);
  });

  /** One instance: its own provider and pool, the same schema as the others. */
  const instance = () => {
    const esp = mockProvider({ id: 'esp', script: [{ ok: true, delayMs: 40 }] });
    const mailer = createMailer({ providers: [esp], ...postgres({ connectionString, schema }) });
    mailers.push(mailer);
    return { mailer, esp };
  };

  it('see each other’s messages', async () => {
    const [first, second] = [instance(), instance()];
    const sent = await first.mailer.send({
      from: 'app@example.com',
      to: 'ada@example.edu',
      subject: 'Hi',
      text: 'x',
    });
    expect((await second.mailer.status(sent.id))?.recipients['ada@example.edu']?.state).toBe('accepted');
  });

  it('make one provider call for one idempotency key sent from both at once', async () => {
    const [first, second] = [instance(), instance()];
    const receipt = {
      from: 'shop@example.com',
      to: 'ada@example.edu',
      subject: 'Receipt',
      text: 'Paid.',
      idempotencyKey: `${schema}-receipt`,
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 ? first : second).mailer.send(receipt)),
    );
    expect(first.esp.calls.length + second.esp.calls.length).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.providerMessageId)).size).toBe(1);
  });
});

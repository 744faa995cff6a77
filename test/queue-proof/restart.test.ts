/**
 * The database or Redis restarted mid-run, on a private server (never the shared one): while it
 * is down, calls fail with a clear error naming the server; what was acknowledged before is sent
 * once it is back, and the queue goes on. See docs/queue.md.
 */
import { type Mailer, type MessageInput, MailoverError } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../packages/redis/test/redis-server.js';
import { type BackendConfig, buildMailer, type MailerConfig } from './backend.js';
import {
  type PrivateServer,
  postgresUnavailable,
  redisUnavailable,
  startPrivatePostgres,
  startPrivateRedis,
} from './servers.js';

const PASSWORD = 'SECRET-restart-pa55';

const cases: {
  name: string;
  skip: string | undefined;
  start: () => Promise<PrivateServer>;
  backend: (url: string) => BackendConfig;
}[] = [
  {
    name: 'PostgreSQL',
    skip: postgresUnavailable(),
    start: startPrivatePostgres,
    backend: (url) => ({ kind: 'postgres', connectionString: url, schema: 'mailover' }),
  },
  {
    name: 'Redis',
    skip: redisUnavailable(),
    start: () => startPrivateRedis(PASSWORD),
    backend: (url) => ({ kind: 'redis', url, prefix: uniqueName('restart') }),
  },
];
for (const { name, skip } of cases) if (skip) console.warn(`restart test on ${name} skipped: ${skip}`);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const receipt = (index: number): MessageInput => ({
  from: 'shop@example.test',
  to: `customer${index}@example.org`,
  subject: `Receipt ${index}`,
  text: 'Paid.',
});

for (const { name, skip, start, backend } of cases) {
  describe.skipIf(skip !== undefined)(`${name} restarted mid-run`, () => {
    let server: PrivateServer;
    const mailers: Mailer[] = [];
    beforeAll(async () => {
      server = await start();
    }, 60_000);
    afterAll(async () => {
      await Promise.all(mailers.map((mailer) => mailer.close().catch(() => {})));
      await server?.remove();
    });

    it('fails clearly while down, and sends everything acknowledged before and after', async () => {
      sandbox.reset();
      const config: MailerConfig = {
        backend: backend(server.url),
        sandbox: {
          url: sandbox.url,
          sendgridKey: sandbox.credentials.sendgrid.apiKey,
          postmarkToken: sandbox.credentials.postmark.serverToken,
        },
        worker: { concurrency: 4, retryDelaysMs: [200, 500, 1_000, 2_000] },
        idempotencyLeaseMs: 3_000,
      };
      const producer = buildMailer({ ...config, worker: false });
      const worker = buildMailer(config);
      mailers.push(producer, worker);
      const acknowledged: string[] = [];
      for (let index = 0; index < 30; index++)
        acknowledged.push((await producer.enqueue(receipt(index))).messageId);

      await server.crash();
      const failure = await producer.enqueue(receipt(1_000)).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(MailoverError.isInstance(failure)).toBe(true);
      const text = (failure as Error).message;
      expect(text).toContain(new URL(server.url).host); // names the server…
      expect(text).not.toContain(PASSWORD); // …never its password
      expect((failure as { unavailable?: boolean }).unavailable).toBe(true);

      await server.start();
      // The clients reconnect on their own: enqueue again until the first call goes through.
      for (let tries = 0; ; tries++) {
        try {
          acknowledged.push((await producer.enqueue(receipt(30))).messageId);
          break;
        } catch (error) {
          if (tries > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      for (let index = 31; index < 40; index++)
        acknowledged.push((await producer.enqueue(receipt(index))).messageId);

      const deadline = Date.now() + 90_000;
      const sent = () => new Set(sandbox.messages.map((message) => message.messageId));
      while (acknowledged.some((id) => !sent().has(id)) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(acknowledged.filter((id) => !sent().has(id))).toEqual([]); // nothing acknowledged was lost
    }, 150_000);
  });
}

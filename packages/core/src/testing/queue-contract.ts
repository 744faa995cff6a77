/**
 * The contract of a shared queue backend as tests: every backend whose jobs are seen by several
 * instances (BullMQ, pg-boss, yours) runs the same checks through real mailers. Like `testStore`,
 * the test functions are passed in and the assertions are `node:assert`.
 */
import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import type { Mailer } from '../engine/mailer.js';
import type { MailerEvents } from '../engine/events.js';
import type { MockProvider, MockProviderOptions } from './mock-provider.js';
import type { StoreContractRunner } from './store-contract.js';

/** One instance of the backend under test: `label` names the queue (the same label, the same queue). */
export type QueueInstanceFactory = (
  label: string,
  options?: {
    readonly worker?: false | { readonly retryDelaysMs?: readonly number[] };
    readonly script?: MockProviderOptions['script'];
  },
) => { readonly mailer: Mailer; readonly provider: MockProvider };

/** Resolves when job `id` reaches `state` on `mailer`, by its `job` events. */
export function jobReaches(mailer: Mailer, id: string, state: MailerEvents['job']['state']): Promise<void> {
  return new Promise((resolve) => {
    const off = mailer.on('job', (event) => {
      if (event.id === id && event.state === state) {
        off();
        resolve();
      }
    });
  });
}

const message = (subject: string) => ({
  from: 'shop@example.com',
  to: 'ada@example.org',
  subject,
  text: 'Paid.',
});

/** Register the shared-queue contract's tests under `describe('Queue contract: <name>')`. */
export function testQueue(
  name: string,
  instance: QueueInstanceFactory,
  runner: Omit<StoreContractRunner, 'afterAll'>,
): void {
  const { describe, it } = runner;
  describe(`Queue contract: ${name}`, () => {
    it('lets an API instance (worker: false) enqueue and another instance send', async () => {
      const api = instance('api', { worker: false });
      const worker = instance('api');
      const { id } = await api.mailer.enqueue(message('from the API'));
      await jobReaches(worker.mailer, id, 'sent');
      strictEqual(api.provider.calls.length, 0);
      strictEqual(worker.provider.calls.length, 1);
      strictEqual((await api.mailer.status(id))?.state, 'sent');
    });

    it('sends each of 30 messages once with two workers on one queue', async () => {
      const [a, b] = [instance('two'), instance('two')];
      const ids = await Promise.all(
        Array.from({ length: 30 }, (_, index) => a.mailer.enqueue(message(`m${index}`))),
      );
      await Promise.all(
        ids.map(({ id }) =>
          Promise.race([jobReaches(a.mailer, id, 'sent'), jobReaches(b.mailer, id, 'sent')]),
        ),
      );
      const subjects = [...a.provider.calls, ...b.provider.calls].map((call) => call.message.subject).sort();
      deepStrictEqual(subjects, Array.from({ length: 30 }, (_, index) => `m${index}`).sort());
    });

    it('retries a job whose providers all failed at the scheduled time, then sends it', async () => {
      const { mailer, provider } = instance('retry', {
        script: [{ fail: 'provider_unavailable' }, 'ok'],
        worker: { retryDelaysMs: [300] },
      });
      const { id } = await mailer.enqueue(message('retried'));
      await jobReaches(mailer, id, 'sent');
      strictEqual(provider.calls.length, 2);
      strictEqual((await mailer.status(id))?.state, 'sent');
    });

    it('cancels a scheduled job before it starts, on any instance', async () => {
      const [a, b] = [instance('cancel'), instance('cancel', { worker: false })];
      const { id } = await a.mailer.enqueue(message('cancelled'), { sendAt: new Date(Date.now() + 60_000) });
      strictEqual(await b.mailer.cancel(id), true);
      strictEqual((await a.mailer.status(id))?.state, 'cancelled');
      strictEqual(await b.mailer.cancel(id), false);
      strictEqual(a.provider.calls.length, 0);
    });
  });
}

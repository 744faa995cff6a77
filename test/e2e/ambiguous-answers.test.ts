/**
 * The ambiguous case for real: the sandbox accepts a message and then loses the answer (the socket
 * is reset, or no answer comes before the client's timeout), at a rate, on each provider. Every
 * duplicate the sandbox sees must be flagged on the send that caused it, and with
 * `onAmbiguous: 'stop'` there must be none.
 */
import { createMailer, type MailoverError, SendError, type SendResult } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../conformance/adapters.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
  // Each primary loses a quarter of its answers after accepting; the backups answer.
  sandbox.faults.set('sendgrid', { kind: 'accept_then_reset', rate: 0.25 });
  sandbox.faults.set('postmark', { kind: 'accept_then_hang', rate: 0.25 });
});

// Long enough that only the faults, not a busy machine, make a call time out.
const TIMEOUT_MS = 1_000;

function mailerWith(onAmbiguous: 'failover' | 'stop') {
  const { credentials } = sandbox;
  return createMailer({
    providers: [
      ADAPTERS.sendgrid(sandbox, credentials, TIMEOUT_MS),
      ADAPTERS.postmark(sandbox, credentials, TIMEOUT_MS),
      ADAPTERS.mailgun(sandbox, credentials, TIMEOUT_MS),
    ],
    breaker: false,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
    onAmbiguous,
  });
}

type Outcome = { result: SendResult } | { error: MailoverError };

async function sendAll(onAmbiguous: 'failover' | 'stop', count: number) {
  const mailer = mailerWith(onAmbiguous);
  const outcomes = new Map<string, Outcome>();
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const message = {
        from: 'shop@example.test',
        to: `customer${index}@example.org`,
        subject: `Receipt ${index}`,
        text: 'Paid.',
        idempotencyKey: `receipt-${onAmbiguous}-${index}`,
      };
      try {
        const result = await mailer.send(message);
        outcomes.set(result.messageId, { result });
      } catch (error) {
        if (!SendError.isInstance(error)) throw error;
        outcomes.set(error.messageId, { error });
      }
    }),
  );
  await mailer.close();
  // Acceptances per Message-ID, as the sandbox saw them.
  const accepted = new Map<string, number>();
  for (const message of sandbox.messages) {
    const id = message.messageId!;
    accepted.set(id, (accepted.get(id) ?? 0) + 1);
  }
  return { outcomes, accepted };
}

describe('answers lost after the provider accepted', () => {
  it('with failover, every duplicate is flagged possibleDuplicate, and every lost answer possiblyDelivered', async () => {
    const { outcomes, accepted } = await sendAll('failover', 80);
    const duplicates = [...accepted].filter(([, times]) => times > 1).map(([id]) => id);
    expect(duplicates.length).toBeGreaterThan(0); // the faults did hit: the check below means something
    for (const id of duplicates) {
      const outcome = outcomes.get(id);
      expect(outcome, `a message the test never sent: ${id}`).toBeDefined();
      if (!outcome) continue;
      if ('result' in outcome) expect(outcome.result.possibleDuplicate, id).toBe(true);
      else expect((outcome.error as SendError).possiblyDelivered, id).toBe(true);
    }
    for (const [id, outcome] of outcomes) {
      if ('error' in outcome && accepted.has(id))
        expect((outcome.error as SendError).possiblyDelivered, id).toBe(true);
      if ('result' in outcome && !outcome.result.possibleDuplicate) expect(accepted.get(id), id).toBe(1);
    }
  });

  it("with onAmbiguous: 'stop', no message is accepted twice, and each lost answer fails as possiblyDelivered", async () => {
    const { outcomes, accepted } = await sendAll('stop', 80);
    expect([...accepted.values()].every((times) => times === 1)).toBe(true);
    // A failed send whose message the provider did accept: the answer was lost. Each must say so.
    const lost = [...outcomes].filter(([id, outcome]) => 'error' in outcome && accepted.has(id));
    expect(lost.length).toBeGreaterThan(0);
    for (const [id, outcome] of lost)
      expect((outcome as { error: SendError }).error.possiblyDelivered, id).toBe(true);
  });
});

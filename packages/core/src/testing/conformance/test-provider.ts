/**
 * `testProvider()`: the conformance suite every adapter runs, this repository's and your own, the
 * way unstorage's drivers run `testDriver()`. It sends through the real adapter to a real service
 * (the sandbox, a loopback relay) and checks what a user would notice. docs/adapters.md,
 * "The conformance suite".
 *
 * Call it at the top level of a vitest test file: `await testProvider(await mySandboxTarget())`.
 * vitest is loaded only when the suite runs, so `@mailover/core/testing` does not need it otherwise.
 */
import { createMailer } from '../../engine/mailer.js';
import type { MailerEvents } from '../../engine/events.js';
import { SendError } from '../../errors.js';
import type { WebhookContext, WebhookRequest } from '../../provider.js';
import { mockProvider } from '../mock-provider.js';
import { DEFAULT_FAULT_EXPECTATIONS } from './expectations.js';
import { findSecret, secretForms } from './secrets.js';
import type { ConformanceFault, FaultExpectation, ProviderTestTarget } from './target.js';

export type * from './target.js';
export { DEFAULT_FAULT_EXPECTATIONS } from './expectations.js';

/** The request timeout the suite gives adapters: short, so a hang ends quickly. */
const TIMEOUT_MS = 400;
const BINARY = new Uint8Array(Array.from({ length: 512 }, (_, index) => (index * 7) % 256));

/** The message the suite sends: every field a provider must carry. */
export const CONFORMANCE_MESSAGE = {
  from: 'Shop <shop@example.test>',
  to: ['Ada Lovelace <ada@example.org>'],
  cc: ['bob@example.org'],
  replyTo: 'support@example.test',
  subject: 'Your receipt',
  text: 'Thanks!',
  html: '<p>Thanks!</p>',
  attachments: [
    { filename: 'receipt.pdf', content: BINARY, contentType: 'application/pdf' },
    { filename: 'note.txt', content: 'aGVsbG8=', encoding: 'base64' as const },
  ],
  headers: { 'X-Order': '1001' },
  tags: ['receipts'],
  metadata: { order: '1001' },
};

const EVENT_NAMES = ['attempt', 'retry', 'failover', 'sent', 'failed', 'skip'] as const;

/** Register the conformance suite for `target` (or what `target()` resolves to) with vitest. */
export async function testProvider(
  target: ProviderTestTarget | (() => Promise<ProviderTestTarget>),
): Promise<void> {
  const { afterAll, beforeEach, describe, expect, it } = await import('vitest');
  const service = typeof target === 'function' ? await target() : target;
  const secrets = secretForms(service.secrets);
  const assertNoSecrets = (value: unknown) => {
    expect(findSecret(value, secrets), 'a secret leaked at this path').toBeUndefined();
  };
  const faults = Object.entries({ ...DEFAULT_FAULT_EXPECTATIONS, ...service.faults }).filter(
    (entry): entry is [ConformanceFault, FaultExpectation] => entry[1] !== false,
  );

  const mailerFor = (
    options: { credentials?: 'valid' | 'wrong'; backup?: boolean; timeoutMs?: number } = {},
  ) => {
    const provider = service.provider({
      credentials: options.credentials ?? 'valid',
      timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
    });
    const backup = mockProvider({ id: 'backup' });
    const mailer = createMailer({
      providers: options.backup === false ? [provider] : [provider, backup],
      retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_500 },
      breaker: false,
    });
    const events: unknown[] = [];
    for (const name of EVENT_NAMES) mailer.on(name as keyof MailerEvents, (event) => events.push(event));
    return { mailer, provider, backup, events };
  };

  describe(`${service.name}: the provider conformance suite`, () => {
    afterAll(() => service.close());
    beforeEach(() => service.reset());

    it('sends every field; attachments arrive byte-identical', async () => {
      const { mailer, events, provider } = mailerFor();
      const result = await mailer.send(CONFORMANCE_MESSAGE);
      expect(result.provider).toBe(provider.id);
      expect(result.attempts).toHaveLength(1);
      const accepted = service.accepted();
      expect(accepted).toHaveLength(1);
      const received = accepted[0]!;
      const bare = (id: string) => id.replace(/[<>]/g, '');
      expect(bare(received.providerMessageId)).toBe(bare(result.providerMessageId));
      expect(received.from.address).toBe('shop@example.test');
      expect(received.to.map((address) => address.address)).toEqual(['ada@example.org']);
      expect(received.cc.map((address) => address.address)).toEqual(['bob@example.org']);
      expect(received.subject).toBe('Your receipt');
      expect(received.text).toBe('Thanks!');
      expect(received.html).toBe('<p>Thanks!</p>');
      expect(received.messageId).toBe(result.messageId);
      if (provider.eventsCarryMailoverId) expect(received.metadata.mailover_id).toBe(result.id);
      const pdf = received.attachments.find((attachment) => attachment.filename === 'receipt.pdf');
      expect(pdf && Buffer.compare(Buffer.from(pdf.content), Buffer.from(BINARY))).toBe(0);
      const note = received.attachments.find((attachment) => attachment.filename === 'note.txt');
      expect(note && Buffer.from(note.content).toString()).toBe('hello');
      assertNoSecrets([result, events]);
    });

    it.each(faults)('fault %s → the right code and the engine’s action', async (fault, expected) => {
      service.fault(fault);
      const { mailer, backup, events, provider } = mailerFor();
      const result = await mailer.send(CONFORMANCE_MESSAGE);
      const own = result.attempts.filter((attempt) => attempt.provider === provider.id);
      expect(expected.codes).toContain(own[0]?.code);
      expect(own).toHaveLength(expected.calls === 'once' ? 1 : own[0]?.code === 'unknown' ? 2 : 3);
      expect(result.provider).toBe('backup');
      expect(backup.calls).toHaveLength(1);
      if (expected.retryAfter ?? fault === 'rate_limited') {
        // The service asks for 1 s; some providers give it only to the second (Mailgun's body date).
        expect(own[0]?.retryAfterMs).toBeGreaterThan(0);
        expect(own[0]?.retryAfterMs).toBeLessThanOrEqual(1_000);
      }
      // The request may have been accepted: the engine must know it cannot tell.
      if (fault === 'hang' || fault.startsWith('accept_then_')) expect(own[0]?.outcome).toBe('unknown');
      assertNoSecrets([result, events]);
    });

    it('wrong credentials → auth_failed, no retry, fail over; no secret anywhere', async () => {
      const { mailer, events, provider } = mailerFor({ credentials: 'wrong' });
      const result = await mailer.send(CONFORMANCE_MESSAGE);
      expect(result.attempts[0]).toMatchObject({ provider: provider.id, code: 'auth_failed' });
      expect(result.attempts.filter((attempt) => attempt.provider === provider.id)).toHaveLength(1);
      expect(result.provider).toBe('backup');
      assertNoSecrets([result, events]);
    });

    it('every failure without a backup ends in one SendError free of secrets', async () => {
      service.fault('server_error');
      const { mailer, events } = mailerFor({ backup: false });
      const error = await mailer.send(CONFORMANCE_MESSAGE).catch((caught: unknown) => caught);
      expect(SendError.isInstance(error)).toBe(true);
      expect((error as SendError).code).toBe('provider_unavailable');
      assertNoSecrets([error, events]);
    });

    it('ends a send at the deadline, and at the caller’s AbortSignal', async () => {
      service.fault('hang');
      // A long adapter timeout: only the deadline can end this send.
      const { mailer: slow } = mailerFor({ backup: false, timeoutMs: 60_000 });
      const deadline = await slow.send(CONFORMANCE_MESSAGE, { deadline: 300 }).catch((caught) => caught);
      expect((deadline as SendError).code).toBe('deadline_exceeded');
      const { mailer } = mailerFor({ backup: false, timeoutMs: 60_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const aborted = await mailer
        .send(CONFORMANCE_MESSAGE, { signal: controller.signal })
        .catch((caught: unknown) => caught);
      expect((aborted as SendError).code).toBe('aborted');
    });

    it('classifyError is total: odd throwables give a failure, never a throw', () => {
      const { provider } = mailerFor();
      const hostile = new Proxy(
        {},
        {
          get() {
            throw new Error('no');
          },
        },
      );
      for (const thrown of [undefined, null, 42, 'text', {}, [], hostile, new Error('boom')]) {
        const failure = provider.classifyError(thrown);
        expect(failure.code).toBeTypeOf('string');
        expect(failure.message).toBeTypeOf('string');
      }
    });

    if (service.webhook) {
      const webhookOf = service.webhook.bind(service);
      it('webhooks: the service’s signed events verify and parse; a wrong secret is refused', async () => {
        const { mailer, provider } = mailerFor();
        expect(provider.webhooks, 'the provider built with webhook settings has `webhooks`').toBeDefined();
        const result = await mailer.send(CONFORMANCE_MESSAGE);
        const received = service.accepted()[0]!;
        const wrong = service.provider({ credentials: 'wrong', timeoutMs: TIMEOUT_MS });
        const now = Date.now();
        for (const type of ['delivered', 'deferred', 'bounced'] as const) {
          const smtpReply =
            type === 'delivered'
              ? '250 2.0.0 Ok: queued'
              : type === 'deferred'
                ? '450 4.2.0 <ada@example.org>: Recipient address rejected: Greylisted'
                : '550 5.1.1 <ada@example.org>: Recipient address rejected: User unknown';
          const built = await webhookOf({
            type,
            message: received,
            recipient: 'ada@example.org',
            time: now,
            smtpReply,
          });
          const request = toRequest(built);
          expect(await provider.webhooks!.verify(request, webhookContext()), `${type} verifies`).toBeNull();
          const events = provider.webhooks!.parse(request);
          const event = events.find((candidate) => candidate.recipient === 'ada@example.org');
          expect(event?.type, `${type} parses`).toBe(type);
          expect(event?.provider).toBe(provider.id);
          const matches =
            event?.mailoverId === result.id ||
            event?.providerMessageId?.replace(/[<>]/g, '') === result.providerMessageId.replace(/[<>]/g, '');
          expect(matches, 'the event names the message it is about').toBe(true);
          if (type !== 'delivered') expect(event?.smtp?.basic).toBe(Number(smtpReply.slice(0, 3)));
          const refusal = await wrong.webhooks?.verify(request, webhookContext());
          expect(refusal?.status, 'a provider with another secret refuses it').toBeGreaterThanOrEqual(400);
          assertNoSecrets([refusal, events]);
        }
      });
    }
  });
}

function toRequest(built: {
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
  url?: string;
}): WebhookRequest {
  return {
    method: 'POST',
    url: built.url ?? 'https://mailover.test/webhooks',
    headers: new Headers(built.headers),
    body: built.body,
  };
}

function webhookContext(): WebhookContext {
  const seen = new Set<string>();
  return {
    now: () => Date.now(),
    async rememberOnce(key) {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
  };
}

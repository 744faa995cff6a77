import { createMailer, type MailerEvents, SendError } from '@mailover/core';
import { mockProvider } from '@mailover/core/testing';
import {
  DEFAULT_CREDENTIALS,
  type FaultKind,
  type SandboxCredentials,
  type SandboxProviderKind,
  startSandbox,
} from '@mailover/sandbox';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, FAULT_EXPECTATIONS } from './adapters.js';

const KINDS = Object.keys(ADAPTERS) as SandboxProviderKind[];
const TIMEOUT_MS = 400;
const binary = new Uint8Array(Array.from({ length: 512 }, (_, index) => (index * 7) % 256));

const message = {
  from: 'Shop <shop@example.test>',
  to: ['Ada Lovelace <ada@example.org>'],
  cc: ['bob@example.org'],
  replyTo: 'support@example.test',
  subject: 'Your receipt',
  text: 'Thanks!',
  html: '<p>Thanks!</p>',
  attachments: [
    { filename: 'receipt.pdf', content: binary, contentType: 'application/pdf' },
    { filename: 'note.txt', content: 'aGVsbG8=', encoding: 'base64' as const },
  ],
  headers: { 'X-Order': '1001' },
  tags: ['receipts'],
  metadata: { order: '1001' },
};

// Canary credentials: every one of them must stay out of every result, error and event.
const CANARY: SandboxCredentials = {
  sendgrid: { apiKey: 'SG.SECRET-CANARY-sendgrid-key' },
  ses: {
    region: 'us-east-1',
    accessKeyId: 'AKIACANARY0000000000',
    secretAccessKey: 'SECRET-CANARY-ses-secret',
  },
  mailgun: { apiKey: 'SECRET-CANARY-mailgun-key', domain: DEFAULT_CREDENTIALS.mailgun.domain },
  postmark: { serverToken: 'SECRET-CANARY-postmark-token' },
};
const SECRETS = [
  CANARY.sendgrid.apiKey,
  CANARY.ses.secretAccessKey,
  CANARY.mailgun.apiKey,
  CANARY.postmark.serverToken,
].flatMap((secret) => [
  secret,
  Buffer.from(secret).toString('base64'),
  Buffer.from(`api:${secret}`).toString('base64'),
]);

function assertNoSecrets(value: unknown): void {
  const seen = new WeakSet<object>();
  const visit = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      for (const secret of SECRETS) expect(node.includes(secret), `secret in ${path}`).toBe(false);
      return;
    }
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    for (const key of Reflect.ownKeys(node)) {
      visit((node as Record<string | symbol, unknown>)[key], `${path}.${String(key)}`);
    }
    if (node instanceof Error) visit(node.message, `${path}.message`);
  };
  visit(value, '$');
}

const sandbox = await startSandbox({ credentials: CANARY });
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.reset();
});

function mailerFor(
  kind: SandboxProviderKind,
  extra: { backup?: boolean; credentials?: SandboxCredentials } = {},
) {
  const provider = ADAPTERS[kind](sandbox, extra.credentials ?? CANARY, TIMEOUT_MS);
  const backup = mockProvider({ id: 'backup' });
  const mailer = createMailer({
    providers: extra.backup === false ? [provider] : [provider, backup],
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_500 },
    breaker: false,
  });
  const events: unknown[] = [];
  for (const name of ['attempt', 'retry', 'failover', 'sent', 'failed', 'skip'] as (keyof MailerEvents)[]) {
    mailer.on(name, (event) => events.push(event));
  }
  return { mailer, provider, backup, events };
}

describe.each(KINDS)('%s adapter, through its official SDK, against the sandbox', (kind) => {
  it('sends every field; attachments arrive byte-identical', async () => {
    const { mailer, events } = mailerFor(kind);
    const result = await mailer.send(message);
    expect(result.provider).toBe(kind);
    expect(result.attempts).toHaveLength(1);
    const accepted = sandbox.messages.find((entry) => entry.provider === kind);
    expect(accepted).toBeDefined();
    expect(accepted!.providerMessageId.replace(/[<>]/g, '')).toBe(
      result.providerMessageId.replace(/[<>]/g, ''),
    );
    expect(accepted!.from.address).toBe('shop@example.test');
    expect(accepted!.to.map((address) => address.address)).toEqual(['ada@example.org']);
    expect(accepted!.cc.map((address) => address.address)).toEqual(['bob@example.org']);
    expect(accepted!.subject).toBe('Your receipt');
    expect(accepted!.text).toBe('Thanks!');
    expect(accepted!.html).toBe('<p>Thanks!</p>');
    expect(accepted!.messageId).toBe(result.messageId);
    expect(accepted!.metadata.mailover_id).toBe(result.id);
    const pdf = accepted!.attachments.find((attachment) => attachment.filename === 'receipt.pdf');
    expect(pdf && Buffer.compare(pdf.content, Buffer.from(binary))).toBe(0);
    const note = accepted!.attachments.find((attachment) => attachment.filename === 'note.txt');
    expect(note?.content.toString()).toBe('hello');
    assertNoSecrets([result, events]);
  });

  it.each(Object.entries(FAULT_EXPECTATIONS) as [FaultKind, (typeof FAULT_EXPECTATIONS)[FaultKind]][])(
    'fault %s → the right code and the engine’s action',
    async (fault, expected) => {
      sandbox.faults.set(kind, { kind: fault, retryAfterSeconds: 1 });
      const { mailer, backup, events } = mailerFor(kind);
      const result = await mailer.send(message);
      const own = result.attempts.filter((attempt) => attempt.provider === kind);
      expect(expected.codes).toContain(own[0]?.code);
      expect(own).toHaveLength(expected.calls === 'once' ? 1 : own[0]?.code === 'unknown' ? 2 : 3);
      expect(result.provider).toBe('backup');
      expect(backup.calls).toHaveLength(1);
      if (fault === 'rate_limited') {
        // Mailgun drops headers: its wait comes from the body's "try again after <date>" (second precision).
        expect(own[0]?.retryAfterMs).toBeGreaterThan(0);
        expect(own[0]?.retryAfterMs).toBeLessThanOrEqual(1_000);
      }
      if (fault === 'hang' || fault.startsWith('accept_then_')) expect(own[0]?.outcome).toBe('unknown');
      assertNoSecrets([result, events]);
    },
  );

  it('wrong credentials → auth_failed, no retry, fail over; no secret anywhere', async () => {
    const wrong: SandboxCredentials = {
      sendgrid: { apiKey: 'SG.SECRET-CANARY-wrong' },
      ses: { ...CANARY.ses, accessKeyId: 'AKIAWRONG00000000000', secretAccessKey: 'SECRET-CANARY-wrong' },
      mailgun: { ...CANARY.mailgun, apiKey: 'SECRET-CANARY-wrong' },
      postmark: { serverToken: 'SECRET-CANARY-wrong' },
    };
    const { mailer, events } = mailerFor(kind, { credentials: wrong });
    const result = await mailer.send(message);
    expect(result.attempts[0]).toMatchObject({ provider: kind, code: 'auth_failed' });
    expect(result.attempts.filter((attempt) => attempt.provider === kind)).toHaveLength(1);
    expect(result.provider).toBe('backup');
    assertNoSecrets([result, events]);
  });

  it('every failure without a backup ends in one SendError free of secrets', async () => {
    sandbox.faults.set(kind, { kind: 'server_error' });
    const { mailer, events } = mailerFor(kind, { backup: false });
    const error = await mailer.send(message).catch((caught: unknown) => caught);
    expect(SendError.isInstance(error)).toBe(true);
    expect((error as SendError).code).toBe('provider_unavailable');
    assertNoSecrets([error, events]);
  });

  it('respects the deadline and the caller’s AbortSignal', async () => {
    sandbox.faults.set(kind, { kind: 'hang' });
    const { mailer } = mailerFor(kind, { backup: false });
    const slowAdapter = ADAPTERS[kind](sandbox, CANARY, 60_000);
    const slow = createMailer({ providers: [slowAdapter], breaker: false });
    const started = Date.now();
    const deadline = await slow.send(message, { deadline: 300 }).catch((caught: unknown) => caught);
    expect((deadline as SendError).code).toBe('deadline_exceeded');
    expect(Date.now() - started).toBeLessThan(5_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await mailer
      .send(message, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect((aborted as SendError).code).toBe('aborted');
  });
});

describe('failover between real adapters', () => {
  it.each(KINDS.map((kind, index) => [kind, KINDS[(index + 1) % KINDS.length]!] as const))(
    '%s down → %s accepts',
    async (down, next) => {
      sandbox.faults.set(down, { kind: 'outage' });
      const mailer = createMailer({
        providers: [ADAPTERS[down](sandbox, CANARY, TIMEOUT_MS), ADAPTERS[next](sandbox, CANARY, TIMEOUT_MS)],
        retry: { retries: 1, minDelayMs: 5, maxDelayMs: 10 },
      });
      const result = await mailer.send(message);
      expect(result.provider).toBe(next);
      expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.code}`)).toEqual([
        `${down}:provider_unavailable`,
        `${down}:provider_unavailable`,
        `${next}:ok`,
      ]);
      expect(sandbox.messages.filter((entry) => entry.provider === next)).toHaveLength(1);
      expect(sandbox.messages.filter((entry) => entry.provider === down)).toHaveLength(0);
    },
  );
});

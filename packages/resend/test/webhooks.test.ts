import type { WebhookContext, WebhookRequest } from '@mailover/core/provider';
import { type AcceptedMessage, buildResendWebhook, generateResendWebhookKeys } from '@mailover/sandbox';
import { Resend } from 'resend';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resend } from '../src/index.js';

const keys = generateResendWebhookKeys();
const message = {
  provider: 'resend',
  providerMessageId: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c',
  receivedAt: Date.now(),
  from: { address: 'shop@example.test' },
  to: [{ address: 'ada@example.edu' }],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'Hi',
  headers: {},
  attachments: [],
  tags: [],
  metadata: { mailover_id: 'm-1' },
  raw: {},
} as AcceptedMessage;

function request(built: { headers: Readonly<Record<string, string>>; body: Buffer }): WebhookRequest {
  return { method: 'POST', url: 'https://x.test/w', headers: new Headers(built.headers), body: built.body };
}

function context(now = Date.now()): WebhookContext {
  const seen = new Set<string>();
  return { now: () => now, rememberOnce: async (key) => !seen.has(key) && Boolean(seen.add(key)) };
}

describe('resend webhooks', () => {
  const provider = resend({ apiKey: 're_test_key_1234', webhookSecret: keys.secret });
  const deferral = buildResendWebhook(
    {
      type: 'deferred',
      message,
      recipient: 'ada@example.edu',
      time: Date.now(),
      smtpReply: '451 4.7.1 Greylisted, try again',
    },
    keys,
  );

  it('the sandbox signs as Resend does: the resend SDK’s own verifier accepts it', () => {
    const verified = new Resend('re_test_key_1234').webhooks.verify({
      payload: deferral.body.toString('utf8'),
      headers: {
        id: deferral.headers['svix-id']!,
        timestamp: deferral.headers['svix-timestamp']!,
        signature: deferral.headers['svix-signature']!,
      },
      webhookSecret: keys.secret,
    });
    expect(verified).toMatchObject({ type: 'email.delivery_delayed' });
  });

  it('email.delivery_delayed is a deferral with the server’s reply, never a bounce', async () => {
    expect(await provider.webhooks!.verify(request(deferral), context())).toBeNull();
    const [event] = provider.webhooks!.parse(request(deferral));
    expect(event).toMatchObject({ type: 'deferred', mailoverId: 'm-1', recipient: 'ada@example.edu' });
    expect(event?.smtp).toMatchObject({ basic: 451, enhanced: '4.7.1' });
  });

  it('refuses a replayed svix-id, a stale timestamp, and a tampered body', async () => {
    const shared = context();
    expect(await provider.webhooks!.verify(request(deferral), shared)).toBeNull();
    expect((await provider.webhooks!.verify(request(deferral), shared))?.status).toBe(401);
    const stale = buildResendWebhook(
      { type: 'delivered', message, recipient: 'ada@example.edu', time: Date.now() },
      keys,
      { now: Date.now() - 10 * 60_000 },
    );
    expect((await provider.webhooks!.verify(request(stale), context()))?.reason).toMatch(/tolerance/);
    const tampered = { ...deferral, body: Buffer.from(deferral.body.toString().replace('ada@', 'eve@')) };
    expect((await provider.webhooks!.verify(request(tampered), context()))?.status).toBe(401);
  });

  it('a secret that is not whsec_ base64 is a ConfigurationError naming webhookSecret', () => {
    expect(() => resend({ webhookSecret: 'not a secret!' })).toThrow(/webhookSecret/);
    expect(() => resend({ webhookSecret: ' ' })).toThrow(/webhookSecret/);
  });
  it('parses Resend’s documented email.delivery_delayed example as a deferral, correlated by email_id', () => {
    const body = readFileSync(new URL('./fixtures/delivery-delayed.json', import.meta.url));
    const events = provider.webhooks!.parse(
      request({ headers: { 'content-type': 'application/json' }, body }),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'deferred',
        provider: 'resend',
        providerMessageId: '56761188-7520-42d8-8898-ff6fc54ce618',
        recipient: 'delivered@resend.dev',
        time: Date.parse('2026-02-22T23:41:12.126Z'),
      }),
    ]);
    expect(events[0]).not.toHaveProperty('mailoverId');
  });

  it('reads the mailover id from tags in either form Resend uses (object or [{name, value}])', () => {
    const event = (tags: unknown) =>
      provider.webhooks!.parse(
        request({
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(
            JSON.stringify({
              type: 'email.delivered',
              created_at: '2026-02-22T23:41:12.126Z',
              data: { email_id: 'e-1', to: ['ada@example.edu'], tags },
            }),
          ),
        }),
      )[0];
    expect(event({ mailover_id: 'm-7' })?.mailoverId).toBe('m-7');
    expect(
      event([
        { name: 'category', value: 'x' },
        { name: 'mailover_id', value: 'm-7' },
      ])?.mailoverId,
    ).toBe('m-7');
    expect(event([{ name: 'mailover_id', value: 42 }])).not.toHaveProperty('mailoverId');
  });
});

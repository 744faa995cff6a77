import { readFileSync } from 'node:fs';
import type { WebhookContext, WebhookRequest } from '@mailover/core';
import { type AcceptedMessage, type Sandbox, startSandbox } from '@mailover/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailgun, parseMailgunWebhook, verifyMailgunWebhook } from '../src/index.js';
import { testContext, testMessage } from './support.js';

/** The sandbox's webhook builder, as far as these tests use it. */
interface MailgunWebhookKeys {
  readonly signingKey: string;
}
interface BuiltWebhook {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}
interface EventSpec {
  readonly type: 'delivered' | 'deferred' | 'bounced' | 'dropped';
  readonly message: AcceptedMessage;
  readonly recipient: string;
  readonly time: number;
  readonly smtpReply?: string;
  readonly attempt?: number;
  readonly sendingIp?: string;
}
interface MailgunWebhookBuilder {
  buildMailgunWebhook(
    events: readonly EventSpec[],
    keys: MailgunWebhookKeys,
    options?: { now?: number; token?: string },
  ): BuiltWebhook;
  generateMailgunWebhookKeys(): MailgunWebhookKeys;
}

// @mailover/sandbox does not export its webhook builders yet; load the module by path at run time
// so this package's typecheck stays within its own rootDir.
const builderPath = new URL('../../sandbox/src/webhooks/mailgun.ts', import.meta.url).href;
const { buildMailgunWebhook, generateMailgunWebhookKeys } = (await import(
  builderPath
)) as MailgunWebhookBuilder;

const GREYLISTED =
  '450 4.2.0 <rcpt@example.edu>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/';

function fixture(name: string): WebhookRequest {
  return request(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

function request(body: Uint8Array | string, contentType = 'application/json'): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.test/mailgun',
    headers: new Headers(contentType ? { 'content-type': contentType } : {}),
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

/** A verifier's context: a fixed clock and an in-memory replay memory. */
function webhookContext(now = Date.now()): WebhookContext {
  const seen = new Set<string>();
  return {
    now: () => now,
    rememberOnce: async (key) => {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
  };
}

describe('mailgun webhooks: Mailgun’s own sample payloads', () => {
  it('a temporary failure is a deferral with attempt, sending IP and the SMTP reply', () => {
    const [event] = parseMailgunWebhook(fixture('failed-temporary.json'));
    expect(event).toMatchObject({
      type: 'deferred',
      provider: 'mailgun',
      providerMessageId: '<20221006142837.1618e01bf42da9fa@test.com>',
      recipient: 'test@test.com',
      time: 1665066523872,
      attempt: 1,
      sendingIp: 'xxx.xxx.xxx.xxx',
      eventId: 'xYrATi63Rke8EC_s7EoJeA',
      smtp: {
        basic: 451,
        enhanced: '4.7.652',
        text: '451 4.7.652 The mail server [xxx.xxx.xxx.xxx] has exceeded the maximum number of connections.',
      },
    });
    expect(event!.smtp!.classification).toHaveProperty('category');
    expect(event!.mailoverId).toBeUndefined();
    expect((event!.raw as { id: string }).id).toBe('xYrATi63Rke8EC_s7EoJeA');
  });

  it('an older temporary failure without an event id gets a stable hash id', () => {
    const first = parseMailgunWebhook(fixture('failed-temporary-no-mx.json'));
    const again = parseMailgunWebhook(fixture('failed-temporary-no-mx.json'));
    expect(first[0]).toMatchObject({ type: 'deferred', recipient: 'bar@example.com', smtp: { basic: 498 } });
    expect(first[0]!.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again[0]!.eventId).toBe(first[0]!.eventId);
  });

  it('a permanent failure is a bounce', () => {
    const [event] = parseMailgunWebhook(fixture('failed-permanent.json'));
    expect(event).toMatchObject({
      type: 'bounced',
      sendingIp: '184.173.153.199',
      smtp: { basic: 550, text: '550 Relay Not Permitted' },
    });
  });

  it('delivered and complained map to their types', () => {
    expect(parseMailgunWebhook(fixture('delivered.json'))[0]).toMatchObject({
      type: 'delivered',
      providerMessageId: '<20130822215151.29325.59996@samples.mailgun.org>',
      recipient: 'recipient@example.com',
    });
    expect(parseMailgunWebhook(fixture('delivered.json'))[0]!.smtp).toBeUndefined();
    expect(parseMailgunWebhook(fixture('complained.json'))[0]!.type).toBe('complained');
  });
});

describe('mailgun webhooks: sandbox-built requests, end to end', () => {
  let sandbox: Sandbox;
  let keys: MailgunWebhookKeys;
  let accepted: AcceptedMessage;
  let providerMessageId: string;
  const message = testMessage({ to: [{ address: 'rcpt@example.edu' }] });

  beforeAll(async () => {
    sandbox = await startSandbox();
    keys = generateMailgunWebhookKeys();
    const provider = mailgun({
      apiKey: sandbox.credentials.mailgun.apiKey,
      domain: sandbox.credentials.mailgun.domain,
      endpoint: sandbox.endpoints.mailgun,
    });
    ({ providerMessageId } = await provider.send(message, testContext()));
    accepted = sandbox.messages[0]!;
  });
  afterAll(() => sandbox.close());

  function deferral(overrides: { now?: number; token?: string } = {}) {
    return buildMailgunWebhook(
      [
        {
          type: 'deferred',
          message: accepted,
          recipient: 'rcpt@example.edu',
          time: Date.parse('2026-11-22T06:00:00Z'),
          smtpReply: GREYLISTED,
          attempt: 2,
          sendingIp: '198.51.100.7',
        },
      ],
      keys,
      overrides,
    );
  }

  function built(webhook: { headers: Readonly<Record<string, string>>; body: Buffer }): WebhookRequest {
    return {
      method: 'POST',
      url: 'https://hooks.example.test/mailgun',
      headers: new Headers(webhook.headers),
      body: webhook.body,
    };
  }

  it('verifies through provider.webhooks and parses back to the message that was sent', async () => {
    const provider = mailgun({ webhookSigningKey: keys.signingKey, id: 'mailgun-main' });
    const webhook = built(deferral());
    expect(await provider.webhooks!.verify(webhook, webhookContext())).toBeNull();
    const [event] = provider.webhooks!.parse(webhook);
    expect(event).toMatchObject({
      type: 'deferred',
      provider: 'mailgun-main',
      providerMessageId,
      mailoverId: message.id,
      recipient: 'rcpt@example.edu',
      time: Date.parse('2026-11-22T06:00:00Z'),
      attempt: 2,
      sendingIp: '198.51.100.7',
      smtp: { basic: 450, enhanced: '4.2.0', text: GREYLISTED },
    });
  });

  it('each sandbox event type maps to its DeliveryEvent type', () => {
    for (const type of ['delivered', 'deferred', 'bounced', 'dropped'] as const) {
      const webhook = buildMailgunWebhook(
        [
          {
            type,
            message: accepted,
            recipient: 'rcpt@example.edu',
            time: Date.now(),
            smtpReply: '550 5.1.1 no such user',
          },
        ],
        keys,
      );
      expect(parseMailgunWebhook(built(webhook))[0]!.type).toBe(type);
    }
  });

  it('has no webhooks unless a signing key is configured', () => {
    expect(mailgun().webhooks).toBeUndefined();
  });

  it('refuses a body signed with another key: 401', async () => {
    const forged = buildMailgunWebhook(
      [{ type: 'delivered', message: accepted, recipient: 'rcpt@example.edu', time: Date.now() }],
      generateMailgunWebhookKeys(),
    );
    expect(await verifyMailgunWebhook(built(forged), webhookContext(), keys.signingKey)).toMatchObject({
      status: 401,
    });
  });

  it.each(['signature', 'token', 'timestamp'])('refuses a one-byte change in the %s: 401', async (field) => {
    const webhook = deferral();
    const body = JSON.parse(webhook.body.toString()) as { signature: Record<string, string> };
    const value = body.signature[field]!;
    const last = value.at(-1) === '1' ? '2' : '1';
    body.signature[field] = value.slice(0, -1) + last;
    const tampered = request(JSON.stringify(body));
    expect(await verifyMailgunWebhook(tampered, webhookContext(), keys.signingKey)).toMatchObject({
      status: 401,
    });
  });

  it('accepts a changed event-data byte: Mailgun signs only timestamp and token', async () => {
    const body = deferral().body.toString().replace('rcpt@example.edu', 'rcpt@example.edv');
    expect(await verifyMailgunWebhook(request(body), webhookContext(), keys.signingKey)).toBeNull();
  });

  it('refuses a stale or far-future timestamp: 401', async () => {
    const now = Date.now();
    const stale = built(deferral({ now: now - 301_000 }));
    const future = built(deferral({ now: now + 301_000 }));
    expect(await verifyMailgunWebhook(stale, webhookContext(now), keys.signingKey)).toMatchObject({
      status: 401,
    });
    expect(await verifyMailgunWebhook(future, webhookContext(now), keys.signingKey)).toMatchObject({
      status: 401,
    });
    const lenient = built(deferral({ now: now - 301_000 }));
    expect(await verifyMailgunWebhook(lenient, webhookContext(now), keys.signingKey, 600)).toBeNull();
  });

  it('refuses a token seen before (a replay): 401', async () => {
    const context = webhookContext();
    const webhook = built(deferral({ token: 'x'.repeat(50) }));
    expect(await verifyMailgunWebhook(webhook, context, keys.signingKey)).toBeNull();
    expect(await verifyMailgunWebhook(webhook, context, keys.signingKey)).toMatchObject({
      status: 401,
      reason: expect.stringMatching(/replay/),
    });
  });

  it('refuses truncated, non-JSON and signature-less bodies: 400', async () => {
    const whole = deferral().body;
    const cases = [
      whole.subarray(0, whole.length - 3),
      Buffer.from('not json'),
      Buffer.from('{"event-data":{}}'),
    ];
    for (const body of cases) {
      expect(await verifyMailgunWebhook(request(body), webhookContext(), keys.signingKey)).toMatchObject({
        status: 400,
      });
      expect(parseMailgunWebhook(request(body.subarray(0, 5)))).toEqual([]);
    }
  });

  it('refuses a content type other than JSON: 415', async () => {
    const body = deferral().body;
    for (const type of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      '',
    ]) {
      expect(
        await verifyMailgunWebhook(request(body, type), webhookContext(), keys.signingKey),
      ).toMatchObject({
        status: 415,
      });
    }
    expect(
      await verifyMailgunWebhook(
        request(body, 'application/json; charset=utf-8'),
        webhookContext(),
        keys.signingKey,
      ),
    ).toBeNull();
  });

  it('the builder sends one event per request, as Mailgun does', () => {
    expect(() => buildMailgunWebhook([], keys)).toThrow(RangeError);
  });
});

describe('mailgun webhooks: never throw', () => {
  it('verify and parse survive random bytes and random JSON', async () => {
    const signingKey = 'k'.repeat(32);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.json().map((text) => Buffer.from(text)),
          fc
            .record({ signature: fc.anything(), 'event-data': fc.anything() })
            .map((value) => Buffer.from(JSON.stringify(value) ?? '')),
        ),
        fc.constantFrom('application/json', 'text/plain', ''),
        async (body, contentType) => {
          const webhook = request(body, contentType);
          const rejection = await verifyMailgunWebhook(webhook, webhookContext(), signingKey);
          expect(rejection === null || [400, 401, 415].includes(rejection.status)).toBe(true);
          expect(Array.isArray(parseMailgunWebhook(webhook))).toBe(true);
        },
      ),
    );
  });
});

import { type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WebhookContext, WebhookRequest } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The builder is not exported from @mailover/sandbox's index yet (a shared file).
import { buildSendGridWebhook, generateSendGridWebhookKeys } from '../../sandbox/src/webhooks/sendgrid.js';
import { sendgrid } from '../src/index.js';
import { sendgridWebhooks } from '../src/webhooks.js';
import { fullMessage, sendContext } from './support.js';

interface SignedFixture {
  readonly publicKey: string;
  readonly signature: string;
  readonly timestamp: string;
  readonly body: string;
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const signedFixture = (name: string) => JSON.parse(fixture(name)) as SignedFixture;

function requestOf(headers: Record<string, string>, body: Uint8Array | string): WebhookRequest {
  return {
    method: 'POST',
    url: '/webhooks/sendgrid',
    headers: new Headers(headers),
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

function fixtureRequest(signed: SignedFixture): WebhookRequest {
  return requestOf(
    {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signed.signature,
      'x-twilio-email-event-webhook-timestamp': signed.timestamp,
    },
    signed.body,
  );
}

/** A context whose clock reads `seconds` (epoch) — fixtures were signed years ago. */
const contextAt = (seconds: number): WebhookContext => ({
  now: () => seconds * 1000,
  rememberOnce: async () => true,
});

describe('SendGrid webhooks: SendGrid’s own signed samples', () => {
  it('verifies the single-event sample and parses its drop', async () => {
    const signed = signedFixture('signed-single-dropped.json');
    const webhooks = sendgridWebhooks({ publicKey: signed.publicKey });
    const request = fixtureRequest(signed);
    expect(await webhooks.verify(request, contextAt(Number(signed.timestamp)))).toBeNull();
    const [event, ...rest] = webhooks.parse(request);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'dropped',
      provider: 'sendgrid',
      providerMessageId: 'LRzXl_NHStOGhQ4kofSm_A',
      recipient: 'hello@world.com',
      time: 1600112492000,
      eventId: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
    });
    // "Bounced Address" is SendGrid's reason for the drop, not an SMTP reply.
    expect(event!.smtp).toBeUndefined();
    expect(event!.raw).toMatchObject({ event: 'dropped', reason: 'Bounced Address' });
  });

  it('verifies the multi-event sample and reads the bounce’s SMTP reply and sending IP', async () => {
    const signed = signedFixture('signed-multiple-processed-bounce.json');
    const webhooks = sendgridWebhooks({ publicKey: signed.publicKey });
    const request = fixtureRequest(signed);
    expect(await webhooks.verify(request, contextAt(Number(signed.timestamp)))).toBeNull();
    const [processed, bounce] = webhooks.parse(request);
    expect(processed).toMatchObject({ type: 'accepted', providerMessageId: 'qNwBLgPQQjW6DJvKQwSAbw' });
    expect(bounce).toMatchObject({
      type: 'bounced',
      recipient: 'invalid@gmail.com',
      sendingIp: '167.89.101.76',
      smtp: { basic: 552, enhanced: '5.2.2' },
    });
    expect(bounce!.smtp!.text).toMatch(/^552 5\.2\.2 The email account/);
    expect(bounce!.smtp!.classification).toBeDefined();
  });

  it('refuses the sample with one byte changed, or with another timestamp', async () => {
    const signed = signedFixture('signed-single-dropped.json');
    const webhooks = sendgridWebhooks({ publicKey: signed.publicKey });
    const context = contextAt(Number(signed.timestamp));
    const tampered = fixtureRequest({
      ...signed,
      body: signed.body.replace('hello@world.com', 'hellp@world.com'),
    });
    expect(await webhooks.verify(tampered, context)).toEqual({
      status: 401,
      reason: 'signature does not match',
    });
    const noCrlf = fixtureRequest({ ...signed, body: signed.body.trimEnd() });
    expect((await webhooks.verify(noCrlf, context))?.status).toBe(401);
    const otherTime = fixtureRequest({ ...signed, timestamp: String(Number(signed.timestamp) + 1) });
    expect((await webhooks.verify(otherTime, context))?.status).toBe(401);
  });
});

describe('SendGrid webhooks: event mapping (SendGrid’s “Test Your Integration” batch)', () => {
  const webhooks = sendgridWebhooks({ publicKey: signedFixture('signed-single-dropped.json').publicKey });
  const events = webhooks.parse(
    requestOf({ 'content-type': 'application/json' }, fixture('test-integration-events.json')),
  );

  it('maps every SendGrid event name; a deferral is deferred, never a bounce', () => {
    expect(events.map((event) => [(event.raw as { event: string }).event, event.type])).toEqual([
      ['processed', 'accepted'],
      ['deferred', 'deferred'],
      ['delivered', 'delivered'],
      ['open', 'opened'],
      ['click', 'clicked'],
      ['bounce', 'bounced'],
      ['dropped', 'dropped'],
      ['spamreport', 'complained'],
      ['unsubscribe', 'unsubscribed'],
      ['group_unsubscribe', 'unsubscribed'],
      ['group_resubscribe', 'unknown'],
    ]);
  });

  it('reads the deferral’s attempt (a string on the wire) and reply', () => {
    const deferred = events[1]!;
    expect(deferred.attempt).toBe(5);
    expect(deferred.smtp).toMatchObject({ basic: 400, text: '400 try again later' });
    expect(deferred.providerMessageId).toBe('14c5d75ce93');
    expect(deferred.time).toBe(1664123380000);
  });

  it('takes the bounce’s enhanced code from `status`, and no reader IP as a sending IP', () => {
    expect(events[5]!.smtp).toMatchObject({ basic: 500, enhanced: '5.0.0', text: '500 unknown recipient' });
    expect(events[3]!.sendingIp).toBeUndefined();
  });

  it('uses sg_event_id as the dedupe id, so every event has its own', () => {
    expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
    expect(events[0]!.eventId).toBe('EFlb32iXNb_XmuV29w95PQ==');
  });
});

describe('SendGrid webhooks: the sandbox’s webhook, end to end', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('a message sent through the adapter comes back as a greylisting deferral carrying its ids', async () => {
    const keys = generateSendGridWebhookKeys();
    const provider = sendgrid({
      apiKey: sandbox.credentials.sendgrid.apiKey,
      endpoint: sandbox.endpoints.sendgrid,
      webhookPublicKey: keys.publicKey,
      id: 'sendgrid-main',
    });
    const message = fullMessage();
    const { providerMessageId } = await provider.send(message, sendContext());
    const accepted = sandbox.messages.at(-1)!;
    const now = Date.now();
    const built = buildSendGridWebhook(
      [
        {
          type: 'deferred',
          message: accepted,
          recipient: 'ada@example.org',
          time: now - 60_000,
          smtpReply: '450 4.2.0 <ada@example.org>: Recipient address rejected: Greylisted',
          attempt: 3,
          sendingIp: '192.0.2.44',
        },
      ],
      keys,
      { timestamp: Math.floor(now / 1000) },
    );
    const request = requestOf({ ...built.headers }, built.body);
    expect(provider.webhooks).toBeDefined();
    expect(await provider.webhooks!.verify(request, contextAt(now / 1000))).toBeNull();
    expect(provider.webhooks!.parse(request)).toEqual([
      expect.objectContaining({
        type: 'deferred',
        provider: 'sendgrid-main',
        providerMessageId,
        mailoverId: message.id,
        recipient: 'ada@example.org',
        time: Math.floor((now - 60_000) / 1000) * 1000,
        attempt: 3,
        sendingIp: '192.0.2.44',
        smtp: expect.objectContaining({
          basic: 450,
          enhanced: '4.2.0',
          text: '450 4.2.0 <ada@example.org>: Recipient address rejected: Greylisted',
        }),
      }),
    ]);
  });

  it('has no webhooks unless the public key is configured', () => {
    expect(sendgrid().webhooks).toBeUndefined();
  });
});

describe('SendGrid webhooks: refusals', () => {
  const keys = generateSendGridWebhookKeys();
  const webhooks = sendgridWebhooks({ publicKey: keys.publicKey });
  const now = 1_795_000_000;
  const context = contextAt(now);
  const message = {
    provider: 'sendgrid' as const,
    providerMessageId: 'pmid',
    receivedAt: 0,
    from: { address: 's@example.com' },
    to: [{ address: 'r@example.org' }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 's',
    headers: {},
    attachments: [],
    tags: [],
    metadata: { mailover_id: 'mo_x' },
    raw: {},
  };
  const spec = { type: 'delivered' as const, message, recipient: 'r@example.org', time: now * 1000 };
  const built = buildSendGridWebhook([spec], keys, { timestamp: now });
  const good = () => requestOf({ ...built.headers }, built.body);

  /** Sign an arbitrary body with the test's key, as SendGrid would. */
  const signed = (body: string, timestamp = now) =>
    requestOf(signedHeaders(keys.privateKey, body, timestamp), body);

  it('accepts the untouched request', async () => {
    expect(await webhooks.verify(good(), context)).toBeNull();
  });

  it('refuses a forgery signed with another key: 401', async () => {
    const forged = buildSendGridWebhook([spec], generateSendGridWebhookKeys(), { timestamp: now });
    expect((await webhooks.verify(requestOf({ ...forged.headers }, forged.body), context))?.status).toBe(401);
  });

  it('refuses a body with one byte changed: 401', async () => {
    const body = Buffer.from(built.body);
    body[body.indexOf('r@example.org')] = 'R'.charCodeAt(0);
    expect((await webhooks.verify(requestOf({ ...built.headers }, body), context))?.status).toBe(401);
  });

  it('refuses a truncated body: 401', async () => {
    expect(
      (await webhooks.verify(requestOf({ ...built.headers }, built.body.subarray(0, 20)), context))?.status,
    ).toBe(401);
  });

  it('refuses a stale or far-future timestamp, even correctly signed: 401', async () => {
    const stale = buildSendGridWebhook([spec], keys, { timestamp: now - 301 });
    expect(await webhooks.verify(requestOf({ ...stale.headers }, stale.body), context)).toMatchObject({
      status: 401,
      reason: expect.stringMatching(/tolerance/),
    });
    const future = buildSendGridWebhook([spec], keys, { timestamp: now + 301 });
    expect((await webhooks.verify(requestOf({ ...future.headers }, future.body), context))?.status).toBe(401);
    const edge = buildSendGridWebhook([spec], keys, { timestamp: now - 299 });
    expect(await webhooks.verify(requestOf({ ...edge.headers }, edge.body), context)).toBeNull();
    const lenient = sendgridWebhooks({ publicKey: keys.publicKey, toleranceSeconds: 600 });
    expect(await lenient.verify(requestOf({ ...stale.headers }, stale.body), context)).toBeNull();
  });

  it('refuses missing signature headers: 401', async () => {
    expect(
      (await webhooks.verify(requestOf({ 'content-type': 'application/json' }, built.body), context))?.status,
    ).toBe(401);
  });

  it('refuses a correctly signed body that is not a JSON array of events: 400', async () => {
    expect((await webhooks.verify(signed('not json at all'), context))?.status).toBe(400);
    expect((await webhooks.verify(signed('{"event":"delivered"}'), context))?.status).toBe(400);
    expect((await webhooks.verify(signed('[1,2,3]'), context))?.status).toBe(400);
    expect(webhooks.parse(signed('not json at all'))).toEqual([]);
  });

  it('refuses a wrong content type: 415', async () => {
    const request = requestOf(
      { ...built.headers, 'content-type': 'application/x-www-form-urlencoded' },
      built.body,
    );
    expect((await webhooks.verify(request, context))?.status).toBe(415);
  });

  it('accepts the key in PEM form too', async () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${keys.publicKey}\n-----END PUBLIC KEY-----\n`;
    expect(await sendgridWebhooks({ publicKey: pem }).verify(good(), context)).toBeNull();
  });

  it('never throws on random bytes and headers, and accepts none of them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.record({
          signature: fc.oneof(fc.string(), fc.base64String()),
          timestamp: fc.oneof(fc.string(), fc.integer({ min: now - 100, max: now + 100 }).map(String)),
          contentType: fc.constantFrom('application/json', 'text/plain', ''),
        }),
        async (body, headers) => {
          const request = requestOf(
            {
              'content-type': headers.contentType,
              'x-twilio-email-event-webhook-signature': headers.signature,
              'x-twilio-email-event-webhook-timestamp': headers.timestamp.replace(/[^\x20-\x7e]/g, ''),
            },
            body,
          );
          const verdict = await webhooks.verify(request, context);
          expect(verdict).not.toBeNull();
          expect(Array.isArray(webhooks.parse(request))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws when a signed body is random bytes or random JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (body) => {
        const request = signed(body);
        const verdict = await webhooks.verify(request, context);
        expect(verdict === null || verdict.status === 400).toBe(true);
        expect(Array.isArray(webhooks.parse(request))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

function signedHeaders(privateKey: KeyObject, body: string, timestamp: number): Record<string, string> {
  const signature = sign('sha256', Buffer.concat([Buffer.from(String(timestamp)), Buffer.from(body)]), {
    key: privateKey,
    dsaEncoding: 'der',
  });
  return {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-signature': signature.toString('base64'),
    'x-twilio-email-event-webhook-timestamp': String(timestamp),
  };
}

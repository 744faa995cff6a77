import { readFileSync } from 'node:fs';
import type { DeliveryEvent, WebhookContext, WebhookRequest } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSnsUrl, parseSesWebhookBody, type SesWebhookOptions, ses } from '../src/index.js';
import { sampleMessage, sandboxProvider, sendContext } from './helpers.js';
import { type Built, builders, type EventSpec, type SesWebhookKeys } from './sandbox-webhooks.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

function request(
  built: Built,
  changes: { body?: Buffer | string; contentType?: string | null } = {},
): WebhookRequest {
  const headers = new Headers(built.headers);
  if (changes.contentType === null) headers.delete('content-type');
  else if (changes.contentType !== undefined) headers.set('content-type', changes.contentType);
  const body = changes.body === undefined ? built.body : Buffer.from(changes.body);
  return { method: 'POST', url: 'https://hooks.example.test/ses', headers, body: new Uint8Array(body) };
}

function envelopeOf(built: Built): Record<string, string> {
  return JSON.parse(built.body.toString('utf8'));
}

const context = (now: number): WebhookContext => ({ now: () => now, rememberOnce: async () => true });

describe('ses webhooks: AWS sample records', () => {
  const parse = (name: string) => parseSesWebhookBody(fixture(name), 'ses');
  const messageId = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

  it('DeliveryDelay → deferred, with the SMTP reply split into codes', () => {
    const [event, ...rest] = parse('delivery-delay.json');
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'deferred',
      provider: 'ses',
      providerMessageId: messageId,
      recipient: 'recipient@example.com',
      time: Date.parse('2020-06-16T00:25:40.095Z'),
      smtp: { basic: 421, enhanced: '4.4.1', text: '421 4.4.1 Unable to connect to remote host' },
    });
    expect(event?.smtp?.classification).toBeDefined();
    expect(event?.attempt).toBeUndefined();
    expect(event?.eventId).toMatch(/^ses:[0-9a-f]{32}$/);
  });

  it('Delivery → delivered, with the outgoing IP', () => {
    expect(parse('delivery.json')).toEqual([
      expect.objectContaining({
        type: 'delivered',
        recipient: 'recipient@example.com',
        sendingIp: '192.0.2.0',
        smtp: expect.objectContaining({ basic: 250, enhanced: '2.6.0' }),
      }),
    ]);
  });

  it('Bounce, Complaint, Send, Reject, Open and Rendering Failure map to their types', () => {
    const types = (name: string) => parse(name).map((event) => [event.type, event.recipient]);
    expect(types('bounce.json')).toEqual([['bounced', 'recipient@example.com']]);
    expect(parse('bounce.json')[0]?.smtp).toMatchObject({ basic: 550, enhanced: '5.1.1' });
    expect(types('complaint.json')).toEqual([['complained', 'recipient@example.com']]);
    expect(types('send.json')).toEqual([['accepted', 'recipient@example.com']]);
    expect(types('reject.json')).toEqual([['dropped', 'sender@example.com']]);
    expect(types('open.json')).toEqual([['opened', 'recipient@example.com']]);
    expect(types('rendering-failure.json')).toEqual([['dropped', 'recipient@example.com']]);
  });

  it('an EventBridge event parses like the SNS record, with the same event id', () => {
    const fromEventBridge = parse('eventbridge-delivery-delay.json');
    const fromRecord = parse('delivery-delay.json');
    expect(fromEventBridge).toHaveLength(1);
    expect(fromEventBridge[0]?.eventId).toBe(fromRecord[0]?.eventId);
    expect(fromEventBridge[0]?.type).toBe('deferred');
  });

  it('an SNS notification that is not an SES record surfaces as one unknown event', () => {
    const notice = { Type: 'Notification', MessageId: 'n-1', Message: 'Successfully validated SNS topic.' };
    expect(parseSesWebhookBody(notice, 'ses')).toEqual([
      expect.objectContaining({ type: 'unknown', eventId: 'sns:n-1', raw: notice }),
    ]);
  });

  it('a suppressed bounce is dropped, a transient bounce is bounced, never deferred', () => {
    const bounce = fixture('bounce.json') as any;
    const suppressed = { ...bounce, bounce: { ...bounce.bounce, bounceSubType: 'OnAccountSuppressionList' } };
    const transient = {
      ...bounce,
      bounce: { ...bounce.bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' },
    };
    expect(parseSesWebhookBody(suppressed, 'ses')[0]?.type).toBe('dropped');
    expect(parseSesWebhookBody(transient, 'ses')[0]?.type).toBe('bounced');
  });
});

describe('ses webhooks: sandbox SNS notifications', () => {
  let sandbox: Sandbox;
  let keys: SesWebhookKeys;
  const fetched: string[] = [];
  let options: SesWebhookOptions;

  beforeAll(async () => {
    sandbox = await startSandbox();
    keys = builders.generateSesWebhookKeys();
    options = {
      fetchCertificate: async (url) => {
        fetched.push(url);
        if (url !== keys.certificateUrl) throw new Error('unknown certificate');
        return keys.certificatePem;
      },
      topicArns: [keys.topicArn],
    };
  });
  afterAll(() => sandbox.close());

  async function sentMessage() {
    sandbox.reset();
    const message = sampleMessage({ id: 'mo-greylist_1' });
    await sandboxProvider(sandbox, { configurationSetName: 'cs-shared' }).send(message, sendContext());
    return { message, accepted: sandbox.messages[0]! };
  }

  function spec(accepted: EventSpec['message'], type: EventSpec['type'], time: number): EventSpec {
    return {
      type,
      message: accepted,
      recipient: 'rcpt@example.org',
      time,
      smtpReply: '450 4.2.0 <rcpt@example.org>: Recipient address rejected: Greylisted',
      sendingIp: '198.51.100.23',
    };
  }

  it('verifies and parses what the sandbox posts, correlated to the mailover message', async () => {
    const { message, accepted } = await sentMessage();
    const provider = ses({ webhook: options });
    const now = Date.now();
    const built = builders.buildSesWebhook([spec(accepted, 'deferred', now)], keys, { now });
    expect(await provider.webhooks!.verify(request(built), context(now))).toBeNull();
    const events: DeliveryEvent[] = provider.webhooks!.parse(request(built));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'deferred',
        provider: 'ses',
        providerMessageId: accepted.providerMessageId,
        mailoverId: message.id,
        recipient: 'rcpt@example.org',
        sendingIp: '198.51.100.23',
        time: now,
        smtp: expect.objectContaining({ basic: 450, enhanced: '4.2.0' }),
      }),
    ]);
  });

  it('verifies SignatureVersion 2 too, and fetches each certificate once', async () => {
    const { accepted } = await sentMessage();
    const provider = ses({ id: 'ses-eu', webhook: options });
    const now = Date.now();
    const before = fetched.length;
    for (const version of ['1', '2'] as const) {
      const built = builders.buildSesWebhook([spec(accepted, 'delivered', now)], {
        ...keys,
        signatureVersion: version,
      });
      expect(envelopeOf(built).SignatureVersion).toBe(version);
      expect(await provider.webhooks!.verify(request(built), context(now))).toBeNull();
      expect(provider.webhooks!.parse(request(built))[0]).toMatchObject({
        type: 'delivered',
        provider: 'ses-eu',
      });
    }
    expect(fetched.length - before).toBe(1);
  });

  it('confirms a verified subscription through the injected function and surfaces it', async () => {
    const confirmed: string[] = [];
    const provider = ses({
      webhook: { ...options, confirmSubscription: async (url) => void confirmed.push(url) },
    });
    const now = Date.now();
    const built = builders.buildSesSubscriptionConfirmation(keys, now);
    expect(await provider.webhooks!.verify(request(built), context(now))).toBeNull();
    expect(confirmed).toEqual([envelopeOf(built).SubscribeURL]);
    expect(provider.webhooks!.parse(request(built))).toEqual([
      expect.objectContaining({ type: 'unknown', eventId: `sns:${envelopeOf(built).MessageId}` }),
    ]);
  });

  describe('refusals', () => {
    let built: Built;
    let now: number;
    const verify = (webhook: WebhookRequest, webhookOptions = options, at = now) =>
      ses({ webhook: webhookOptions }).webhooks!.verify(webhook, context(at));

    beforeAll(async () => {
      const { accepted } = await sentMessage();
      now = Date.now();
      built = builders.buildSesWebhook([spec(accepted, 'deferred', now)], keys, { now });
    });

    it('a message signed with another key → 401', async () => {
      const forged = builders.buildSesWebhook(
        [spec(sandbox.messages[0]!, 'delivered', now)],
        {
          ...builders.generateSesWebhookKeys(),
          certificateUrl: keys.certificateUrl,
          topicArn: keys.topicArn,
        },
        { now },
      );
      expect(await verify(request(forged))).toMatchObject({ status: 401 });
    });

    it('one byte changed in the signed Message → 401', async () => {
      const text = built.body.toString('utf8');
      const at = text.indexOf('Greylisted');
      const tampered = `${text.slice(0, at)}G${text.slice(at + 1).replace(/^r/, 'R')}`;
      expect(tampered.length).toBe(text.length);
      expect(tampered).not.toBe(text);
      expect(await verify(request(built, { body: tampered }))).toMatchObject({ status: 401 });
    });

    it('stale (older than maxAgeMs) or from the future → 401', async () => {
      expect(await verify(request(built), options, now + 2 * 60 * 60 * 1000)).toMatchObject({ status: 401 });
      expect(await verify(request(built), { ...options, maxAgeMs: 1000 }, now + 5000)).toMatchObject({
        status: 401,
      });
      expect(await verify(request(built), options, now - 60 * 60 * 1000)).toMatchObject({ status: 401 });
    });

    it('truncated or non-JSON bodies → 400; wrong or missing content type → 415', async () => {
      expect(
        await verify(request(built, { body: built.body.subarray(0, built.body.length - 2) })),
      ).toMatchObject({
        status: 400,
      });
      expect(await verify(request(built, { body: '<html>not json</html>' }))).toMatchObject({ status: 400 });
      expect(
        await verify(request(built, { contentType: 'application/x-www-form-urlencoded' })),
      ).toMatchObject({
        status: 415,
      });
      expect(await verify(request(built, { contentType: null }))).toMatchObject({ status: 415 });
      expect(await verify(request(built, { contentType: 'application/json' }))).toBeNull();
    });

    it('a look-alike or plain-http SigningCertURL → 401, and is never fetched', async () => {
      const before = fetched.length;
      for (const url of [
        'https://sns.us-east-1.amazonaws.com.evil.test/cert.pem',
        'http://sns.us-east-1.amazonaws.com/cert.pem',
        'https://sns.us-east-1.amazonaws.com:8443/cert.pem',
        'https://evil.test/sns.us-east-1.amazonaws.com/cert.pem',
        'https://sns.us-east-1.amazonaws.com/cert.txt',
      ]) {
        const body = JSON.stringify({ ...envelopeOf(built), SigningCertURL: url });
        expect(await verify(request(built, { body }))).toMatchObject({ status: 401 });
      }
      expect(fetched.length).toBe(before);
      expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem')).toBe(true);
    });

    it('a topic outside the allow-list → 403', async () => {
      expect(
        await verify(request(built), { ...options, topicArns: ['arn:aws:sns:us-east-1:1:other'] }),
      ).toMatchObject({ status: 403 });
    });

    it('unsigned shapes: a bare SES record → 401, EventBridge only with its secret header', async () => {
      const bare = request(built, {
        body: JSON.stringify(fixture('delivery-delay.json')),
        contentType: 'application/json',
      });
      expect(await verify(bare)).toMatchObject({ status: 401 });
      const eventBridge = request(built, {
        body: JSON.stringify(fixture('eventbridge-delivery-delay.json')),
        contentType: 'application/json',
      });
      expect(await verify(eventBridge)).toMatchObject({ status: 401 });
      const withSecret = { ...options, eventBridge: { header: 'x-mailover-secret', secret: 's3cret-value' } };
      expect(await verify(eventBridge, withSecret)).toMatchObject({ status: 401 });
      eventBridge.headers.set('x-mailover-secret', 's3cret-value');
      expect(await verify(eventBridge, withSecret)).toBeNull();
    });

    it('with issuer certificates, only a signing certificate they issued verifies', async () => {
      expect(
        await verify(request(built), { ...options, issuerCertificates: [keys.caCertificatePem] }),
      ).toBeNull();
      const otherCa = builders.generateSesWebhookKeys().caCertificatePem;
      expect(await verify(request(built), { ...options, issuerCertificates: [otherCa] })).toMatchObject({
        status: 401,
      });
    });

    it('a certificate that cannot be fetched → 401', async () => {
      expect(
        await verify(request(built), {
          ...options,
          fetchCertificate: async () => {
            throw new Error('offline');
          },
        }),
      ).toMatchObject({ status: 401 });
    });
  });
});

describe('ses webhooks: robustness', () => {
  const webhooks = ses({
    webhook: {
      topicArns: ['arn:aws:sns:us-east-1:123456789012:robustness'],
      fetchCertificate: async () => {
        throw new Error('no network in this test');
      },
    },
  }).webhooks!;

  it('verify resolves (never throws) on random bytes and headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom('text/plain; charset=UTF-8', 'application/json', 'text/html', ''),
        async (bytes, contentType) => {
          const rejection = await webhooks.verify(
            {
              method: 'POST',
              url: 'https://h.test/',
              headers: new Headers({ 'content-type': contentType }),
              body: bytes,
            },
            context(Date.now()),
          );
          expect(rejection).not.toBeNull();
          expect([400, 401, 403, 413, 415]).toContain(rejection!.status);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('verify resolves on random JSON shaped almost like SNS', async () => {
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            Type: fc.constantFrom(
              'Notification',
              'SubscriptionConfirmation',
              'UnsubscribeConfirmation',
              'Other',
            ),
            Message: field,
            MessageId: field,
            Timestamp: fc.oneof(field, fc.constant(new Date().toISOString())),
            TopicArn: field,
            Signature: field,
            SignatureVersion: fc.oneof(field, fc.constantFrom('1', '2')),
            SigningCertURL: fc.oneof(field, fc.constant('https://sns.us-east-1.amazonaws.com/a.pem')),
          },
          { requiredKeys: [] },
        ),
        async (envelope) => {
          const rejection = await webhooks.verify(
            {
              method: 'POST',
              url: 'https://h.test/',
              headers: new Headers({ 'content-type': 'text/plain' }),
              body: new TextEncoder().encode(JSON.stringify(envelope)),
            },
            context(Date.now()),
          );
          expect(rejection).not.toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parse returns events or throws a TypeError/SyntaxError about the body, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }),
          fc.json().map((text) => new TextEncoder().encode(text)),
        ),
        (bytes) => {
          try {
            const events = webhooks.parse({
              method: 'POST',
              url: 'https://h.test/',
              headers: new Headers(),
              body: bytes,
            });
            expect(Array.isArray(events)).toBe(true);
          } catch (error) {
            expect(error instanceof TypeError || error instanceof SyntaxError).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

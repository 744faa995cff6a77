/**
 * Issue #12, the class and not the instance: no option may fail open. Every provider is built from
 * a working configuration with one option at a time set to a blank, undefined, non-finite or
 * negative value. Each build must either throw a ConfigurationError naming that option, or give a
 * provider that is still safe: its webhooks refuse forged, unsigned and stale requests (the probes
 * below, which an open check would accept), and a credential read at the first send fails that
 * send with a ConfigurationError. createMailer's options get the same treatment.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import {
  ConfigurationError,
  createMailer,
  type ProviderV1,
  type ProviderWebhooks,
  type WebhookContext,
  type WebhookRequest,
} from '@mailover/core';
import { normalizedMessage, sendContext } from '@mailover/core/testing';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import { buildSesSubscriptionConfirmation, generateSesWebhookKeys } from '@mailover/sandbox';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import { smtp } from '@mailover/smtp';
import { afterEach, describe, expect, it } from 'vitest';

/** What `Number(process.env.UNSET)`, an empty `.env` line or a careless default give. */
const BAD: readonly unknown[] = [
  undefined,
  '',
  ' ',
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
];
const label = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
/** 2020-09-13: long outside every tolerance and maximum age. */
const LONG_AGO_SECONDS = 1_600_000_000;
const context: WebhookContext = { now: () => Date.now(), rememberOnce: async () => true };

function request(body: string | Buffer, headers: Record<string, string>): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.test/',
    headers: new Headers(headers),
    body: new Uint8Array(Buffer.from(body)),
  };
}

type Probe = readonly [string, WebhookRequest];

interface Subject {
  readonly build: (options: Record<string, unknown>) => ProviderV1;
  /** A working configuration, webhooks on. */
  readonly base: () => Record<string, unknown>;
  /** Every option swept, as a dotted path into the options. */
  readonly options: readonly string[];
  /** Credentials read at the first send (environment fallback): a bad one must fail that send. */
  readonly lazy?: readonly string[];
  /** Requests an open check would accept; each must be refused. */
  readonly probes?: () => readonly Probe[];
  /** Environment variables the adapter falls back to, cleared during the sweep. */
  readonly environment?: readonly string[];
}

// SendGrid: ECDSA over timestamp + body.
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sendgridPublicKey = sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
function sendgridSigned(timestamp: number): WebhookRequest {
  const body = JSON.stringify([{ event: 'delivered', email: 'ada@example.org', timestamp }]);
  const signature = sign(
    'sha256',
    Buffer.concat([Buffer.from(String(timestamp)), Buffer.from(body)]),
    sendgridKeys.privateKey,
  );
  return request(body, {
    'content-type': 'application/json',
    [SENDGRID_SIGNATURE_HEADER]: signature.toString('base64'),
    [SENDGRID_TIMESTAMP_HEADER]: String(timestamp),
  });
}

// Mailgun: HMAC-SHA256 of timestamp + token.
const MAILGUN_KEY = 'key-sweep-0123456789abcdef';
function mailgunSigned(timestamp: number, key: string): WebhookRequest {
  const token = `token-${timestamp}-${Math.random()}`;
  const signature = createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex');
  return request(
    JSON.stringify({
      signature: { timestamp: String(timestamp), token, signature },
      'event-data': { event: 'delivered', recipient: 'ada@example.org', timestamp },
    }),
    { 'content-type': 'application/json' },
  );
}

// Postmark: Basic credentials; no signature.
const POSTMARK_AUTH = { username: 'hooks', password: 'postmark-sweep-password' };
function postmarkRecord(time: number, authorization?: string): WebhookRequest {
  return request(
    JSON.stringify({
      RecordType: 'Delivery',
      DeliveredAt: new Date(time).toISOString(),
      Recipient: 'ada@example.org',
    }),
    { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
  );
}
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

// SES: SNS signatures with a sandbox certificate, our topic and another account's.
const sesKeys = generateSesWebhookKeys();
const EVENTBRIDGE = { header: 'x-mailover-secret', secret: 'eventbridge-sweep-secret' };
function built(webhook: { headers: Readonly<Record<string, string>>; body: Buffer }): WebhookRequest {
  return request(webhook.body, { ...webhook.headers });
}

const SUBJECTS: Readonly<Record<string, Subject>> = {
  sendgrid: {
    build: (options) => sendgrid(options),
    base: () => ({
      apiKey: 'SG.sweep',
      webhookPublicKey: sendgridPublicKey,
      webhookToleranceSeconds: 300,
      timeoutMs: 30_000,
      limits: { maxMessageBytes: 1_000_000, maxRecipients: 10 },
    }),
    options: [
      'id',
      'ip',
      'apiKey',
      'timeoutMs',
      'webhookPublicKey',
      'webhookToleranceSeconds',
      'limits.maxMessageBytes',
      'limits.maxRecipients',
    ],
    lazy: ['apiKey'],
    environment: ['SENDGRID_API_KEY'],
    probes: () => [
      ['unsigned', request('[{"event":"delivered"}]', { 'content-type': 'application/json' })],
      ['signed long ago', sendgridSigned(LONG_AGO_SECONDS)],
    ],
  },
  mailgun: {
    build: (options) => mailgun(options),
    base: () => ({
      apiKey: 'key-api',
      domain: 'mg.example.test',
      webhookSigningKey: MAILGUN_KEY,
      webhookToleranceSeconds: 300,
      timeoutMs: 30_000,
      limits: { maxMessageBytes: 1_000_000 },
    }),
    options: [
      'id',
      'ip',
      'apiKey',
      'domain',
      'timeoutMs',
      'webhookSigningKey',
      'webhookToleranceSeconds',
      'limits.maxMessageBytes',
      'limits.maxRecipients',
    ],
    lazy: ['apiKey', 'domain'],
    environment: ['MAILGUN_API_KEY', 'MAILGUN_DOMAIN'],
    probes: () => [
      ['signed with a blank key', mailgunSigned(Math.floor(Date.now() / 1000), ' ')],
      ['signed with an empty key', mailgunSigned(Math.floor(Date.now() / 1000), '')],
      ['signed long ago', mailgunSigned(LONG_AGO_SECONDS, MAILGUN_KEY)],
    ],
  },
  postmark: {
    build: (options) => postmark(options),
    base: () => ({
      serverToken: 'server-token',
      webhookAuth: { ...POSTMARK_AUTH },
      webhookMaxAgeMs: 86_400_000,
      timeoutMs: 30_000,
      limits: { maxMessageBytes: 1_000_000 },
    }),
    options: [
      'id',
      'ip',
      'serverToken',
      'timeoutMs',
      'webhookAuth',
      'webhookAuth.username',
      'webhookAuth.password',
      'webhookMaxAgeMs',
      'limits.maxMessageBytes',
    ],
    lazy: ['serverToken'],
    environment: ['POSTMARK_SERVER_TOKEN'],
    probes: () => [
      ['no credentials', postmarkRecord(Date.now())],
      ['undefined:undefined', postmarkRecord(Date.now(), basic('undefined:undefined'))],
      ['blank credentials', postmarkRecord(Date.now(), basic(' : '))],
      [
        'authentic but long ago',
        postmarkRecord(LONG_AGO_SECONDS * 1000, basic('hooks:postmark-sweep-password')),
      ],
    ],
  },
  ses: {
    build: (options) => ses(options),
    base: () => ({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIASWEEP', secretAccessKey: 'sweep-secret' },
      timeoutMs: 30_000,
      limits: { maxMessageBytes: 1_000_000 },
      webhook: {
        topicArns: [sesKeys.topicArn],
        fetchCertificate: async () => sesKeys.certificatePem,
        confirmSubscription: async () => undefined,
        maxAgeMs: 3_600_000,
        eventBridge: { ...EVENTBRIDGE },
      },
    }),
    options: [
      'id',
      'ip',
      'region',
      'credentials.accessKeyId',
      'credentials.secretAccessKey',
      'timeoutMs',
      'limits.maxMessageBytes',
      'webhook.topicArns',
      'webhook.allowAnyTopic',
      'webhook.maxAgeMs',
      'webhook.issuerCertificates',
      'webhook.eventBridge',
      'webhook.eventBridge.header',
      'webhook.eventBridge.secret',
    ],
    lazy: ['region', 'credentials.accessKeyId', 'credentials.secretAccessKey'],
    environment: ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
    probes: () => [
      [
        "another account's topic",
        built(
          buildSesSubscriptionConfirmation({
            ...sesKeys,
            topicArn: 'arn:aws:sns:us-east-1:999999999999:evil',
          }),
        ),
      ],
      ['signed long ago', built(buildSesSubscriptionConfirmation(sesKeys, LONG_AGO_SECONDS * 1000))],
      [
        'EventBridge without the secret header',
        request(JSON.stringify({ 'detail-type': 'Email Delivered', detail: {} }), {
          'content-type': 'application/json',
        }),
      ],
      [
        'EventBridge with an empty secret header',
        request(JSON.stringify({ 'detail-type': 'Email Delivered', detail: {} }), {
          'content-type': 'application/json',
          [EVENTBRIDGE.header]: '',
        }),
      ],
    ],
  },
  smtp: {
    build: (options) => smtp(options),
    base: () => ({
      host: '127.0.0.1',
      port: 2525,
      auth: { user: 'relay-user', pass: 'relay-password' },
      timeoutMs: 30_000,
      greylistingRetryAfterMs: 300_000,
      maxConnections: 5,
      limits: { maxMessageBytes: 1_000_000 },
    }),
    options: [
      'id',
      'ip',
      'port',
      'auth.user',
      'auth.pass',
      'timeoutMs',
      'greylistingRetryAfterMs',
      'maxConnections',
      'limits.maxMessageBytes',
    ],
    environment: ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD'],
  },
};

/** A copy of `options` with `path` set to `value` (removed when undefined). */
function withOption(options: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone({ ...options, webhook: undefined }) as Record<string, unknown>;
  // structuredClone cannot copy functions: the SES webhook (with its fetchCertificate) is copied by hand.
  if (options.webhook) copy.webhook = { ...(options.webhook as object) };
  if (options.webhook && (options.webhook as { eventBridge?: object }).eventBridge) {
    (copy.webhook as Record<string, unknown>).eventBridge = {
      ...(options.webhook as { eventBridge: object }).eventBridge,
    };
  }
  if (!options.webhook) delete copy.webhook;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const message = normalizedMessage({ id: 'mo-sweep' });

async function expectRefused(webhooks: ProviderWebhooks, probes: readonly Probe[], what: string) {
  for (const [name, probe] of probes) {
    let rejection: Awaited<ReturnType<ProviderWebhooks['verify']>>;
    try {
      rejection = await webhooks.verify(probe, context);
    } catch (error) {
      // A verify that throws refuses too, but only a ConfigurationError is an acceptable reason.
      expect(ConfigurationError.isInstance(error), `${what}: probe "${name}" threw ${String(error)}`).toBe(
        true,
      );
      continue;
    }
    expect(rejection, `${what}: the check is open, probe "${name}" was accepted`).not.toBeNull();
  }
}

const saved = new Map<string, string | undefined>();
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
});

describe('configuration sweep: every provider, one option at a time', () => {
  for (const [name, subject] of Object.entries(SUBJECTS)) {
    describe(name, () => {
      it('the working configuration builds, and its webhooks refuse every probe', async () => {
        const provider = subject.build(subject.base());
        if (subject.probes) await expectRefused(provider.webhooks!, subject.probes(), `${name} (base)`);
        expect(() => createMailer({ providers: [provider] })).not.toThrow();
      });

      for (const option of subject.options) {
        it.each(BAD.map((value) => [label(value), value]))(`${option} = %s`, async (_, value) => {
          for (const variable of subject.environment ?? []) {
            saved.set(variable, process.env[variable]);
            delete process.env[variable];
          }
          const what = `${name}: ${option} = ${label(value)}`;
          let provider: ProviderV1;
          try {
            provider = subject.build(withOption(subject.base(), option, value));
          } catch (error) {
            expect(ConfigurationError.isInstance(error), `${what}: threw ${String(error)}`).toBe(true);
            expect((error as Error).message, what).toContain(option.split('.').at(-1));
            return;
          }
          // Built: it must still be safe.
          if (provider.webhooks && subject.probes)
            await expectRefused(provider.webhooks, subject.probes(), what);
          if (option === 'id' || option === 'ip') {
            if (value === undefined) return; // the documented default
            expect(() => createMailer({ providers: [provider] }), what).toThrow(ConfigurationError);
            return;
          }
          if (subject.lazy?.includes(option)) {
            // Read at the first send, with the environment as fallback (cleared here).
            const error = await provider.send(message, sendContext()).then(
              () => undefined,
              (caught: unknown) => caught,
            );
            expect(
              ConfigurationError.isInstance(error),
              `${what}: the first send gave ${String(error)}`,
            ).toBe(true);
            expect((error as Error).message, what).toContain(option.split('.').at(-1));
            return;
          }
          // Anything else built only when the option was left out, for its documented default.
          expect(value, `${what}: built without a ConfigurationError`).toBeUndefined();
        });
      }
    });
  }
});

describe('configuration sweep: createMailer', () => {
  const provider = () => sendgrid({ apiKey: 'SG.sweep', id: 'esp' });
  const NUMERIC: Readonly<Record<string, (value: unknown) => Record<string, unknown>>> = {
    retentionMs: (value) => ({ retentionMs: value }),
    maxWebhookBytes: (value) => ({ maxWebhookBytes: value }),
    'retry.retries': (value) => ({ retry: { retries: value } }),
    'retry.minDelayMs': (value) => ({ retry: { minDelayMs: value } }),
    'retry.maxDelayMs': (value) => ({ retry: { maxDelayMs: value } }),
    'retry.factor': (value) => ({ retry: { factor: value } }),
    'retry.maxRetryAfterMs': (value) => ({ retry: { maxRetryAfterMs: value } }),
    'breaker.failureThreshold': (value) => ({ breaker: { failureThreshold: value } }),
    'breaker.cooldownMs': (value) => ({ breaker: { cooldownMs: value } }),
    'rateLimits.esp.perSecond': (value) => ({ rateLimits: { esp: { perSecond: value } } }),
    'rateLimits.esp.burst': (value) => ({ rateLimits: { esp: { perSecond: 10, burst: value } } }),
    'greylisting.deferrals': (value) => ({ greylisting: { deferrals: value } }),
    'greylisting.distinctNetworks': (value) => ({ greylisting: { distinctNetworks: value } }),
    'greylisting.networkPrefix': (value) => ({ greylisting: { networkPrefix: value } }),
    'greylisting.windowMs': (value) => ({ greylisting: { windowMs: value } }),
    'greylisting.domainMemoryMs': (value) => ({ greylisting: { domainMemoryMs: value } }),
  };

  for (const [option, set] of Object.entries(NUMERIC)) {
    it.each(BAD.filter((value) => value !== undefined).map((value) => [label(value), value]))(
      `${option} = %s`,
      (_, value) => {
        const build = () => createMailer({ providers: [provider()], ...set(value) } as never);
        expect(build, option).toThrow(ConfigurationError);
        expect(build, option).toThrow(option);
      },
    );
  }

  it.each(BAD.filter((value) => value !== undefined).map((value) => [label(value), value]))(
    'sendMany concurrency = %s',
    async (_, value) => {
      const mailer = createMailer({ providers: [provider()] });
      const outcome = mailer
        .sendMany([{ from: 'app@example.test', to: 'ada@example.org', subject: 'Hi', text: 'x' }], {
          concurrency: value as number,
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const error = await outcome;
      expect(ConfigurationError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toContain('concurrency');
      await mailer.close?.();
    },
  );
});

import { readFileSync } from 'node:fs';
import type { WebhookContext, WebhookRequest } from '@mailover/core';
import { type AcceptedMessage, type Sandbox, startSandbox } from '@mailover/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmark } from '../src/index.js';
import { makeMessage, sendContext } from './helpers.js';

/** The sandbox's Postmark webhook builder (packages/sandbox/src/webhooks/postmark.ts). */
interface PostmarkWebhookKeys {
  readonly username: string;
  readonly password: string;
  readonly header: { readonly name: string; readonly value: string };
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
interface WebhookBuilders {
  buildPostmarkWebhook(
    events: readonly EventSpec[],
    keys: PostmarkWebhookKeys,
  ): { headers: Readonly<Record<string, string>>; body: Buffer };
  generatePostmarkWebhookKeys(): PostmarkWebhookKeys;
}
// @mailover/sandbox does not export its webhook builders yet, and a static import across packages
// breaks this package's own typecheck (rootDir): load the source by URL until it does.
const { buildPostmarkWebhook, generatePostmarkWebhookKeys } = (await import(
  new URL('../../sandbox/src/webhooks/postmark.ts', import.meta.url).href
)) as WebhookBuilders;

const NOW = Date.parse('2026-11-22T08:00:00Z');
const context: WebhookContext = { now: () => NOW, rememberOnce: async () => true };

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

function request(body: Uint8Array, headers: Record<string, string> = {}): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://app.example.com/webhooks/postmark',
    headers: new Headers(headers),
    body,
  };
}

function webhooksFor(keys: PostmarkWebhookKeys) {
  const provider = postmark({
    id: 'postmark-main',
    webhookAuth: [
      { username: keys.username, password: keys.password },
      { header: keys.header.name, value: keys.header.value },
    ],
  });
  if (!provider.webhooks) throw new Error('webhooks should be configured');
  return provider.webhooks;
}

describe('postmark webhooks: documented sample payloads', () => {
  const webhooks = webhooksFor(generatePostmarkWebhookKeys());
  const parse = (name: string) =>
    webhooks.parse(request(fixture(name), { 'content-type': 'application/json' }));

  it('maps a Delivery to delivered, without an SMTP reply for prose details', () => {
    expect(parse('delivery.json')).toEqual([
      expect.objectContaining({
        type: 'delivered',
        provider: 'postmark-main',
        providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483',
        recipient: 'john@example.com',
        time: Date.parse('2019-11-05T16:33:54.907Z'),
      }),
    ]);
    expect(parse('delivery.json')[0]?.smtp).toBeUndefined();
    expect(parse('delivery.json')[0]?.mailoverId).toBeUndefined();
  });

  it('maps a HardBounce to bounced with the exact 64-bit bounce ID as event id', () => {
    const [event] = parse('bounce-hard.json');
    expect(event).toMatchObject({
      type: 'bounced',
      recipient: 'john@example.com',
      eventId: 'postmark:Bounce:4323372036854775807',
      smtp: { text: 'Test bounce details' },
    });
    expect(event?.smtp?.classification).toBeDefined();
    expect(event?.attempt).toBeUndefined();
    expect(event?.sendingIp).toBeUndefined();
  });

  it('maps a Transient bounce to deferred, reading the SMTP codes out of Details', () => {
    const [event] = parse('bounce-transient.json');
    expect(event).toMatchObject({ type: 'deferred', smtp: { basic: 450, enhanced: '4.2.0' } });
    expect(event?.smtp?.text).toMatch(/^450 4\.2\.0 .*Greylisted/);
    // Its ID differs from the hard bounce's only beyond 2^53: the ids must still differ.
    expect(event?.eventId).toBe('postmark:Bounce:4323372036854775808');
  });

  it.each([
    ['spam-complaint.json', 'complained'],
    ['open.json', 'opened'],
    ['click.json', 'clicked'],
    ['subscription-change.json', 'unknown'],
  ])('maps %s to %s', (name, type) => {
    const [event] = parse(name);
    expect(event?.type).toBe(type);
    expect(event?.raw).toEqual(JSON.parse(fixture(name).toString('utf8')));
  });

  it('gives a stable event id: the same record parsed twice dedupes', () => {
    for (const name of ['delivery.json', 'open.json', 'click.json', 'subscription-change.json']) {
      expect(parse(name)[0]?.eventId).toBe(parse(name)[0]?.eventId);
    }
    expect(parse('open.json')[0]?.eventId).not.toBe(parse('delivery.json')[0]?.eventId);
  });

  it('maps a SoftBounce to bounced: Postmark reports it only after it stopped retrying', () => {
    const record = JSON.parse(fixture('bounce-hard.json').toString('utf8'));
    const body = Buffer.from(JSON.stringify({ ...record, Type: 'SoftBounce', TypeCode: 4096 }));
    expect(webhooks.parse(request(body))[0]?.type).toBe('bounced');
    const byCode = Buffer.from(JSON.stringify({ ...record, Type: undefined, TypeCode: 2 }));
    expect(webhooks.parse(request(byCode))[0]?.type).toBe('deferred');
  });
});

describe('postmark webhooks: the sandbox builder', () => {
  let sandbox: Sandbox;
  let accepted: AcceptedMessage;
  const keys = generatePostmarkWebhookKeys();
  const webhooks = webhooksFor(keys);

  beforeAll(async () => {
    sandbox = await startSandbox();
    const provider = postmark({
      serverToken: sandbox.credentials.postmark.serverToken,
      endpoint: sandbox.endpoints.postmark,
    });
    await provider.send(makeMessage(), sendContext());
    accepted = sandbox.messages[0] as AcceptedMessage;
  });
  afterAll(() => sandbox.close());

  const greylisted = '450 4.2.0 <jane@example.org>: Recipient address rejected: Greylisted';
  const build = (
    overrides: { type?: 'delivered' | 'deferred' | 'bounced' | 'dropped'; time?: number } = {},
  ) =>
    buildPostmarkWebhook(
      [
        {
          type: overrides.type ?? 'deferred',
          message: accepted,
          recipient: 'jane@example.org',
          time: overrides.time ?? NOW - 60_000,
          smtpReply: greylisted,
          attempt: 2,
          sendingIp: '192.0.2.10',
        },
      ],
      keys,
    );
  const asRequest = (built: { headers: Readonly<Record<string, string>>; body: Buffer }) =>
    request(built.body, { ...built.headers });

  it('builds a request that verifies and parses back to the sent message', async () => {
    const built = asRequest(build());
    expect(await webhooks.verify(built, context)).toBeNull();
    const [event] = webhooks.parse(built);
    expect(event).toMatchObject({
      type: 'deferred',
      provider: 'postmark-main',
      providerMessageId: accepted.providerMessageId,
      mailoverId: 'mo_01HTESTMESSAGE',
      recipient: 'jane@example.org',
      time: NOW - 60_000,
      smtp: { basic: 450, enhanced: '4.2.0', text: greylisted },
    });
    // Postmark carries neither: the builder drops them and the parser cannot invent them.
    expect(event?.attempt).toBeUndefined();
    expect(event?.sendingIp).toBeUndefined();
  });

  it.each([
    ['delivered', 'delivered'],
    ['bounced', 'bounced'],
    ['dropped', 'dropped'],
  ] as const)('round-trips a %s event', async (type, expected) => {
    const built = asRequest(build({ type }));
    expect(await webhooks.verify(built, context)).toBeNull();
    expect(webhooks.parse(built)[0]?.type).toBe(expected);
  });

  it('refuses one event per request only', () => {
    expect(() => buildPostmarkWebhook([], keys)).toThrow(RangeError);
  });

  const refusals: Array<[string, () => WebhookRequest, number]> = [
    ['no credentials at all', () => request(build().body, { 'content-type': 'application/json' }), 401],
    [
      'forged with other keys',
      () => {
        const other = generatePostmarkWebhookKeys();
        return asRequest(
          buildPostmarkWebhook(
            [{ type: 'deferred', message: accepted, recipient: 'x@example.org', time: NOW }],
            other,
          ),
        );
      },
      401,
    ],
    [
      'Basic auth right, secret header missing',
      () => {
        const { [keys.header.name.toLowerCase()]: _dropped, ...headers } = build().headers;
        return request(build().body, headers);
      },
      401,
    ],
    ['Authorization tampered by one byte', () => tamperHeader('authorization'), 401],
    ['secret header tampered by one byte', () => tamperHeader(keys.header.name.toLowerCase()), 401],
    ['stale: two days old', () => asRequest(build({ time: NOW - 2 * 24 * 60 * 60 * 1000 })), 401],
    [
      'body tampered by one byte',
      () => {
        const built = build();
        const body = Buffer.from(built.body);
        body[0] = (body[0] ?? 0) ^ 0x01;
        return request(body, { ...built.headers });
      },
      400,
    ],
    [
      'truncated body',
      () => {
        const built = build();
        return request(built.body.subarray(0, built.body.length - 5), { ...built.headers });
      },
      400,
    ],
    ['not JSON', () => request(Buffer.from('RecordType=Bounce'), { ...build().headers }), 400],
    ['a JSON array', () => request(Buffer.from('[{"RecordType":"Bounce"}]'), { ...build().headers }), 400],
    [
      'wrong content type',
      () => request(build().body, { ...build().headers, 'content-type': 'text/plain' }),
      415,
    ],
    [
      'no content type',
      () => {
        const { 'content-type': _dropped, ...headers } = build().headers;
        return request(build().body, headers);
      },
      415,
    ],
  ];

  function tamperHeader(name: string): WebhookRequest {
    const built = build();
    const value = built.headers[name] ?? '';
    const last = value.length - 1;
    const flipped = value.slice(0, last) + String.fromCharCode(value.charCodeAt(last) ^ 0x01);
    return request(built.body, { ...built.headers, [name]: flipped });
  }

  it.each(refusals)('refuses %s', async (_, make, status) => {
    const rejection = await webhooks.verify(make(), context);
    expect(rejection?.status).toBe(status);
    expect(rejection?.reason).toEqual(expect.any(String));
  });

  it('accepts old records within a long maximum age, and never lets Infinity switch the check off', async () => {
    const provider = postmark({
      webhookAuth: { header: keys.header.name, value: keys.header.value },
      webhookMaxAgeMs: 2 * 365 * 24 * 60 * 60 * 1000,
    });
    const old = asRequest(build({ time: NOW - 365 * 24 * 60 * 60 * 1000 }));
    expect(await provider.webhooks?.verify(old, context)).toBeNull();
    expect(() =>
      postmark({
        webhookAuth: { header: keys.header.name, value: keys.header.value },
        webhookMaxAgeMs: Number.POSITIVE_INFINITY,
      }),
    ).toThrow(/webhookMaxAgeMs/);
  });

  it('has no webhooks unless credentials are configured; an empty list of them is a configuration error', () => {
    expect(postmark().webhooks).toBeUndefined();
    expect(() => postmark({ webhookAuth: [] })).toThrow(/webhookAuth needs at least one credential/);
  });

  it('never throws on random bytes and headers', async () => {
    const valid = build();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.boolean(),
        fc.dictionary(
          fc.constantFrom('content-type', 'authorization', 'x-webhook-secret', 'x-other'),
          // Header values a real HTTP request can carry (printable ASCII).
          fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
        ),
        async (body, keepHeaders, headers) => {
          const incoming = request(body, keepHeaders ? { ...valid.headers } : headers);
          const rejection = await webhooks.verify(incoming, context);
          expect(rejection === null || [400, 401, 415].includes(rejection.status)).toBe(true);
          expect(Array.isArray(webhooks.parse(incoming))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

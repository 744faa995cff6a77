import { createMailer } from '@mailover/core';
import { type MockWebhookEvent, mockProvider, mockWebhooks, VirtualClock } from '@mailover/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { instrument } from '../src/index.js';
import { describeSpan, only, parentOf, type Telemetry, telemetry } from './harness.js';

const GREYLISTED = '450 4.2.0 <ada@example.edu>: Recipient address rejected: Greylisted';

let otel: Telemetry;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await otel.shutdown();
});

/** A rotating-IP provider and a fixed-IP relay, both posting mock webhooks, on a virtual clock. */
function setup() {
  otel = telemetry();
  const clock = new VirtualClock({ auto: false, random: () => 0.5 });
  const esp = mockProvider({
    id: 'esp',
    kind: 'sendgrid',
    ip: 'rotating',
    clock,
    webhooks: mockWebhooks({ provider: 'esp' }),
  });
  const relay = mockProvider({
    id: 'relay',
    kind: 'smtp',
    ip: 'fixed',
    clock,
    webhooks: mockWebhooks({ provider: 'relay' }),
  });
  const mailer = createMailer({ providers: [esp, relay], clock });
  const stop = instrument(mailer, {
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
    clock,
  });
  close = async () => {
    stop();
    await mailer.close();
  };
  const post = (provider: string, events: MockWebhookEvent[], secret = 'mock-secret') =>
    mailer.webhooks.handle(
      provider,
      new Request('http://localhost/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mock-secret': secret },
        body: JSON.stringify(events),
      }),
    );
  return { clock, mailer, relay, post };
}

describe('a greylisting loop resolved by a fixed-IP re-send', () => {
  it('is a loop span linked to the send, with the re-send as its child, and greylisting metrics', async () => {
    const { clock, mailer, relay, post } = setup();
    const origin = clock.now();
    const sent = await mailer.send({
      from: 'app@example.com',
      to: ['ada@example.edu', 'bob@other.example'],
      subject: 'Your code',
      text: '123456',
    });
    const deferral = (attempt: number, ip: string): MockWebhookEvent => ({
      type: 'deferred',
      recipient: 'ada@example.edu',
      mailoverId: sent.id,
      time: clock.now(),
      smtp: GREYLISTED,
      attempt,
      sendingIp: ip,
    });
    expect((await post('esp', [deferral(1, '127.1.0.5')])).status).toBe(200);
    await clock.advance(10 * 60_000);
    expect((await post('esp', [deferral(2, '127.1.0.9')])).status).toBe(200);
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
    await clock.advance(90_000);
    expect(
      (
        await post('relay', [
          { type: 'delivered', recipient: 'ada@example.edu', mailoverId: sent.id, time: clock.now() },
        ])
      ).status,
    ).toBe(200);

    const spans = otel.spans();
    const first = only(spans, 'mailover.send', { 'mailover.strategy': 'priority' });
    const loop = only(spans, 'mailover.greylist.loop');
    const resend = only(spans, 'mailover.send', { 'mailover.strategy': 'greylist-failover' });

    expect(describeSpan(loop, origin)).toEqual({
      name: 'mailover.greylist.loop',
      kind: 0,
      start: 600_000,
      end: 600_000,
      attributes: {
        'mailover.id': sent.id,
        'mailover.provider.id': 'esp',
        'mailover.greylist.rule': 'count',
        'mailover.greylist.deferrals': 2,
        'mailover.greylist.detail': '2 greylisting deferrals',
        'mailover.recipient.domain': 'example.edu',
      },
      events: [
        {
          name: 'mailover.greylist.domain_learned',
          at: 600_000,
          attributes: {
            'mailover.recipient.domain': 'example.edu',
            'mailover.provider.id': 'relay',
            'mailover.greylist.remember_for': 7 * 86_400,
          },
        },
      ],
      links: [first.spanContext().spanId],
      status: { code: 0 },
    });
    // The re-send: a child of the loop, linked to the message's first send, to the one recipient.
    expect(parentOf(resend)).toBe(loop.spanContext().spanId);
    expect(describeSpan(resend, origin)).toMatchObject({
      start: 600_000,
      end: 600_000,
      links: [first.spanContext().spanId],
      attributes: {
        'mailover.id': sent.id,
        'mailover.message_id': sent.messageId,
        'mailover.strategy': 'greylist-failover',
        'mailover.providers': ['relay'],
        'mailover.recipient.domains': ['example.edu'],
        'mailover.recipient.count': 1,
        'mailover.outcome': 'sent',
        'mailover.provider.id': 'relay',
        'mailover.attempts': 1,
      },
    });
    // One span per webhook request: three, each stored one event.
    const webhooks = spans.filter((span) => span.name === 'mailover.webhook');
    expect(webhooks.map((span) => span.attributes)).toEqual([
      ...['esp', 'esp', 'relay'].map((provider) => ({
        'mailover.provider.id': provider,
        'mailover.webhook.verification': 'verified',
        'http.response.status_code': 200,
        'mailover.webhook.stored': 1,
        'mailover.webhook.duplicates': 0,
      })),
    ]);
    expect(JSON.stringify(spans.map((span) => describeSpan(span)))).not.toContain('ada@');

    expect(await otel.metrics()).toMatchObject({
      'mailover.deferrals{mailover.provider.id=esp,mailover.smtp.category=greylisting}': 2,
      'mailover.webhook.events{mailover.event.type=deferred,mailover.provider.id=esp}': 2,
      'mailover.webhook.events{mailover.event.type=delivered,mailover.provider.id=relay}': 1,
      'mailover.greylist.loops{mailover.greylist.rule=count,mailover.provider.id=esp}': 1,
      'mailover.greylist.domains_learned{mailover.provider.id=relay}': 1,
      'mailover.greylist.failovers{mailover.provider.id=relay}': 1,
      'mailover.sends{mailover.outcome=sent,mailover.provider.id=relay,mailover.strategy=greylist-failover}': 1,
      // Accepted at 0, delivered (through the relay) 10 min 90 s later.
      'mailover.delivery.delay{mailover.provider.id=relay}': { count: 1, sum: 690 },
    });

    // The domain is remembered: the next message to it goes to the relay first.
    await mailer.send({ from: 'app@example.com', to: 'eve@example.edu', subject: 'Hi', text: 'Hi' });
    expect(
      only(otel.spans(), 'mailover.send', {
        'mailover.provider.id': 'relay',
        'mailover.strategy': 'priority',
      }).attributes,
    ).toMatchObject({
      'mailover.route.domain': 'example.edu',
      'mailover.route.rule': 'domain',
      'mailover.providers': ['relay', 'esp'],
    });
    expect(await otel.metrics()).toMatchObject({
      'mailover.greylist.domain_routes{mailover.provider.id=relay,mailover.route.rule=domain}': 1,
    });
  });
});

describe('a rejected webhook', () => {
  it('is an error span with the verification result and status, counted by status; nothing stored', async () => {
    const { clock, post } = setup();
    const origin = clock.now();
    const response = await post(
      'esp',
      [{ type: 'delivered', recipient: 'ada@example.edu' }],
      'not-the-secret',
    );
    expect(response.status).toBe(401);
    // An unknown provider in the URL is refused before verification, and adds no new series.
    expect((await post('no-such-provider', [])).status).toBe(404);

    const spans = otel.spans();
    expect(spans.map((span) => describeSpan(span, origin))).toEqual([
      {
        name: 'mailover.webhook',
        kind: 0,
        start: 0,
        end: 0,
        attributes: {
          'mailover.provider.id': 'esp',
          'mailover.webhook.verification': 'rejected',
          'http.response.status_code': 401,
          'mailover.webhook.stored': 0,
          'mailover.webhook.duplicates': 0,
        },
        events: [],
        links: [],
        status: { code: 2, message: 'bad x-mock-secret' },
      },
      {
        name: 'mailover.webhook',
        kind: 0,
        start: 0,
        end: 0,
        attributes: {
          'mailover.provider.id': '_unknown',
          'mailover.webhook.verification': 'invalid',
          'http.response.status_code': 404,
          'mailover.webhook.stored': 0,
          'mailover.webhook.duplicates': 0,
        },
        events: [],
        links: [],
        status: { code: 2, message: "no webhook verification configured for provider 'no-such-provider'" },
      },
    ]);
    const points = await otel.metrics();
    expect(points).toMatchObject({
      'mailover.webhook.requests{http.response.status_code=401,mailover.provider.id=esp,mailover.webhook.verification=rejected}': 1,
      'mailover.webhook.requests{http.response.status_code=404,mailover.provider.id=_unknown,mailover.webhook.verification=invalid}': 1,
    });
    expect(Object.keys(points).some((key) => key.startsWith('mailover.webhook.events'))).toBe(false);
  });
});

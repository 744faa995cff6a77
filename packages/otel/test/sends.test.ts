import { createMailer, type Mailer } from '@mailover/core';
import { VirtualClock } from '@mailover/core/testing';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../src/index.js';
import { describeSpan, only, parentOf, type Telemetry, telemetry } from './harness.js';

let sandbox: Sandbox;
let otel: Telemetry;
let mailer: Mailer | undefined;
let stop: (() => void) | undefined;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  sandbox = await startSandbox();
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  await sandbox.close();
  context.disable();
});
afterEach(async () => {
  stop?.();
  await mailer?.close();
  await otel.shutdown();
  sandbox.faults.clear();
});

/** SendGrid then SES, through their official SDKs, against the sandbox. */
function setup(options: { clock?: VirtualClock; retry?: object; recordAddresses?: boolean } = {}) {
  otel = telemetry();
  const { endpoints, credentials } = sandbox;
  mailer = createMailer({
    providers: [
      sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint: endpoints.sendgrid }),
      ses({ region: credentials.ses.region, credentials: credentials.ses, endpoint: endpoints.ses }),
    ],
    ...(options.clock ? { clock: options.clock } : {}),
    retry: { minDelayMs: 1, maxDelayMs: 1, ...options.retry },
  });
  stop = instrument(mailer, {
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.recordAddresses ? { recordAddresses: true } : {}),
  });
  return mailer;
}

const message = {
  from: 'Shop <shop@example.com>',
  to: ['ada@example.org', 'bob@Example.net'],
  cc: 'carol@example.org',
  subject: 'Your receipt',
  text: 'Thanks for your order.',
};

describe('a send that fails over', () => {
  it('is one mailover.send span under the caller’s span, a call span per attempt, and failover metrics', async () => {
    const mailer = setup({ retry: { retries: 1 } });
    sandbox.faults.next('sendgrid', { kind: 'outage' }, { kind: 'outage' });
    const caller = otel.tracerProvider.getTracer('app').startSpan('POST /orders');
    const result = await context.with(trace.setSpan(context.active(), caller), () => mailer.send(message));
    caller.end();
    expect(result.provider).toBe('ses');

    const spans = otel.spans();
    const send = only(spans, 'mailover.send');
    expect(parentOf(send)).toBe(caller.spanContext().spanId);
    expect(send.spanContext().traceId).toBe(caller.spanContext().traceId);
    const described = describeSpan(send);
    expect(described.attributes).toEqual({
      'mailover.id': result.id,
      'mailover.message_id': result.messageId,
      'mailover.strategy': 'priority',
      'mailover.providers': ['sendgrid', 'ses'],
      'mailover.recipient.domains': ['example.net', 'example.org'],
      'mailover.recipient.count': 3,
      'mailover.outcome': 'sent',
      'mailover.provider.id': 'ses',
      'mailover.provider.message_id': result.providerMessageId,
      'mailover.attempts': 3,
      // SendGrid's 503 may come after it took the message: the adapter says so, the span shows it.
      'mailover.possible_duplicate': true,
    });
    expect(described.events.map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      {
        name: 'mailover.retry',
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.attempt': 2,
          'mailover.retry.delay': 0.001,
          'mailover.retry.reason': 'backoff',
          'mailover.code': 'provider_unavailable',
        },
      },
      {
        name: 'mailover.failover',
        attributes: {
          'mailover.failover.from': 'sendgrid',
          'mailover.failover.to': 'ses',
          'mailover.code': 'provider_unavailable',
        },
      },
    ]);
    expect(described.status).toEqual({ code: 0 });

    const calls = spans.filter((span) => span.name === 'mailover.provider.call');
    expect(calls.map((call) => parentOf(call))).toEqual([
      send.spanContext().spanId,
      send.spanContext().spanId,
      send.spanContext().spanId,
    ]);
    expect(
      calls.map((call) => ({ kind: call.kind, attributes: call.attributes, status: call.status })),
    ).toEqual([
      {
        kind: 2, // CLIENT
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.provider.kind': 'sendgrid',
          'mailover.provider.ip': 'rotating',
          'mailover.attempt': 1,
          'mailover.code': 'provider_unavailable',
          'mailover.outcome': 'unknown',
          'mailover.provider.code': 'unavailable',
          'error.type': 'provider_unavailable',
          'http.response.status_code': 503,
        },
        status: { code: 2, message: calls[0]!.status.message },
      },
      {
        kind: 2,
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.provider.kind': 'sendgrid',
          'mailover.provider.ip': 'rotating',
          'mailover.attempt': 2,
          'mailover.code': 'provider_unavailable',
          'mailover.outcome': 'unknown',
          'mailover.provider.code': 'unavailable',
          'error.type': 'provider_unavailable',
          'http.response.status_code': 503,
        },
        status: { code: 2, message: calls[1]!.status.message },
      },
      {
        kind: 2,
        attributes: {
          'mailover.provider.id': 'ses',
          'mailover.provider.kind': 'ses',
          'mailover.provider.ip': 'rotating',
          'mailover.attempt': 1,
          'mailover.code': 'ok',
          'mailover.outcome': 'accepted',
        },
        status: { code: 0 },
      },
    ]);
    expect(calls[0]!.status.message).toMatch(/503|unavailable/i);
    // Domains only: no recipient address anywhere in what was exported.
    expect(JSON.stringify(spans.map((span) => describeSpan(span)))).not.toMatch(/ada@|bob@|carol@/i);

    const points = await otel.metrics();
    expect(points).toMatchObject({
      'mailover.sends{mailover.outcome=sent,mailover.provider.id=ses,mailover.strategy=priority}': 1,
      'mailover.provider.calls{mailover.code=provider_unavailable,mailover.provider.id=sendgrid,mailover.provider.kind=sendgrid}': 2,
      'mailover.provider.calls{mailover.code=ok,mailover.provider.id=ses,mailover.provider.kind=ses}': 1,
      'mailover.retries{mailover.code=provider_unavailable,mailover.provider.id=sendgrid,mailover.retry.reason=backoff}': 1,
      'mailover.failovers{mailover.code=provider_unavailable,mailover.failover.from=sendgrid,mailover.failover.to=ses}': 1,
      'mailover.send.attempts{mailover.outcome=sent,mailover.strategy=priority}': { count: 1, sum: 3 },
      'mailover.circuit.open{mailover.provider.id=sendgrid}': 0,
      'mailover.circuit.open{mailover.provider.id=ses}': 0,
    });
    expect(
      (
        points[
          'mailover.send.duration{mailover.outcome=sent,mailover.provider.id=ses,mailover.strategy=priority}'
        ] as {
          count: number;
        }
      ).count,
    ).toBe(1);
    // Bounded cardinality: no series carries an id, an address or a domain.
    expect(Object.keys(points).join('\n')).not.toMatch(/example\.|@|mailover\.id=/);
  });

  it('records full addresses on the span only when asked to', async () => {
    const mailer = setup({ recordAddresses: true });
    await mailer.send(message);
    expect(only(otel.spans(), 'mailover.send').attributes['mailover.recipient.addresses']).toEqual([
      'ada@example.org',
      'bob@example.net',
      'carol@example.org',
    ]);
    expect(Object.keys(await otel.metrics()).join('\n')).not.toMatch(/@/);
  });
});

describe('a retry after Retry-After', () => {
  it('waits exactly what the provider asked: a retry event, two call spans, a 1 s send', async () => {
    const clock = new VirtualClock();
    const origin = clock.now();
    const mailer = setup({ clock });
    sandbox.faults.next('sendgrid', { kind: 'rate_limited', retryAfterSeconds: 1 });
    const result = await mailer.send(message);
    expect(result.provider).toBe('sendgrid');

    const spans = otel.spans();
    const send = describeSpan(only(spans, 'mailover.send'), origin);
    // The SDK call itself takes no virtual time: the send is the wait the provider asked for.
    expect({ start: send.start, end: send.end }).toEqual({ start: 0, end: 1_000 });
    expect(send.events).toEqual([
      {
        name: 'mailover.retry',
        at: 0,
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.attempt': 2,
          'mailover.retry.delay': 1,
          'mailover.retry.reason': 'retry-after',
          'mailover.code': 'rate_limited',
        },
      },
    ]);
    const calls = spans
      .filter((span) => span.name === 'mailover.provider.call')
      .map((span) => describeSpan(span, origin));
    expect(calls.map(({ start, end, attributes }) => ({ start, end, attributes }))).toEqual([
      {
        start: 0,
        end: 0,
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.provider.kind': 'sendgrid',
          'mailover.provider.ip': 'rotating',
          'mailover.attempt': 1,
          'mailover.code': 'rate_limited',
          'mailover.outcome': 'not_sent',
          'mailover.provider.code': 'too_many_requests',
          'error.type': 'rate_limited',
          'http.response.status_code': 429,
          'mailover.retry_after': 1,
        },
      },
      {
        start: 1_000,
        end: 1_000,
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.provider.kind': 'sendgrid',
          'mailover.provider.ip': 'rotating',
          'mailover.attempt': 2,
          'mailover.code': 'ok',
          'mailover.outcome': 'accepted',
        },
      },
    ]);

    const points = await otel.metrics();
    expect(points).toMatchObject({
      'mailover.retries{mailover.code=rate_limited,mailover.provider.id=sendgrid,mailover.retry.reason=retry-after}': 1,
      'mailover.send.duration{mailover.outcome=sent,mailover.provider.id=sendgrid,mailover.strategy=priority}':
        {
          count: 1,
          sum: 1,
        },
      'mailover.provider.calls{mailover.code=rate_limited,mailover.provider.id=sendgrid,mailover.provider.kind=sendgrid}': 1,
      'mailover.provider.calls{mailover.code=ok,mailover.provider.id=sendgrid,mailover.provider.kind=sendgrid}': 1,
    });
    expect(Object.keys(points).some((key) => key.startsWith('mailover.failovers'))).toBe(false);
  });
});

describe('an open circuit', () => {
  it('shows the opening on the send that caused it, the skip on the next, and the gauge until a probe closes it', async () => {
    const clock = new VirtualClock();
    const mailer = setup({ clock });
    sandbox.faults.next('sendgrid', { kind: 'account_suspended' });
    const first = await mailer.send(message);
    const second = await mailer.send(message);
    expect([first.provider, second.provider]).toEqual(['ses', 'ses']);

    const spans = otel.spans();
    const firstSpan = describeSpan(only(spans, 'mailover.send', { 'mailover.id': first.id }));
    expect(firstSpan.events.map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      {
        name: 'mailover.circuit.open',
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.code': 'account_suspended',
          'mailover.circuit.open_for': 30,
        },
      },
      {
        name: 'mailover.failover',
        attributes: {
          'mailover.failover.from': 'sendgrid',
          'mailover.failover.to': 'ses',
          'mailover.code': 'account_suspended',
        },
      },
    ]);
    const secondSpan = describeSpan(only(spans, 'mailover.send', { 'mailover.id': second.id }));
    expect(secondSpan.events.map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      {
        name: 'mailover.skip',
        attributes: {
          'mailover.provider.id': 'sendgrid',
          'mailover.skip.reason': 'circuit-open',
          'mailover.skip.detail': 'circuit open after earlier failures',
        },
      },
    ]);
    expect(secondSpan.attributes['mailover.attempts']).toBe(1);

    expect(await otel.metrics()).toMatchObject({
      'mailover.circuit.open{mailover.provider.id=sendgrid}': 1,
      'mailover.circuit.open{mailover.provider.id=ses}': 0,
      'mailover.circuit.opens{mailover.code=account_suspended,mailover.provider.id=sendgrid}': 1,
      'mailover.provider.skips{mailover.provider.id=sendgrid,mailover.skip.reason=circuit-open}': 1,
      'mailover.sends{mailover.outcome=sent,mailover.provider.id=ses,mailover.strategy=priority}': 2,
    });

    await clock.advance(30_000);
    const third = await mailer.send(message);
    expect(third.provider).toBe('sendgrid');
    const thirdSpan = describeSpan(only(otel.spans(), 'mailover.send', { 'mailover.id': third.id }));
    expect(thirdSpan.events.map(({ name }) => name)).toEqual(['mailover.circuit.close']);
    expect(await otel.metrics()).toMatchObject({ 'mailover.circuit.open{mailover.provider.id=sendgrid}': 0 });
  });
});

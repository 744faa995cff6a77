/**
 * Queued sends on the in-memory queue, in one process: the `mailover.enqueue` span, the worker's
 * `mailover.send` linked to it through the carrier stored with the job, carriers that do not
 * parse (never an exception), and the queue gauges. Across processes on BullMQ and pg-boss:
 * queue-processes.test.ts.
 */
import { createMailer, type Mailer, memoryQueue, type Queue, ValidationError } from '@mailover/core';
import { VirtualClock } from '@mailover/core/testing';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../src/index.js';
import { only, parentOf, type Telemetry, telemetry } from './harness.js';

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
});

function setup(options: { clock?: VirtualClock; queue?: Queue; worker?: boolean } = {}) {
  otel = telemetry();
  const { endpoints, credentials } = sandbox;
  mailer = createMailer({
    providers: [sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint: endpoints.sendgrid })],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.worker === undefined ? {} : { worker: options.worker }),
  });
  stop = instrument(mailer, {
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return mailer;
}

const message = {
  from: 'shop@example.com',
  to: 'ada@example.org',
  subject: 'Your receipt',
  text: 'Thanks for your order.',
};

/** The real memory queue, with each job's stored payload rewritten as someone with access to the storage could. */
function tampering(queue: Queue, rewrite: (payload: Record<string, unknown>) => void): Queue {
  return {
    ...queue,
    name: queue.name,
    durable: queue.durable,
    add(job, options) {
      const payload = JSON.parse(job.payload) as Record<string, unknown>;
      rewrite(payload);
      return queue.add({ ...job, payload: JSON.stringify(payload) }, options);
    },
    work: (run, options) => queue.work(run, options),
    remove: (id) => queue.remove(id),
    idle: () => queue.idle(),
    close: () => queue.close(),
  };
}

describe('a queued send', () => {
  it('is a mailover.enqueue span under the caller, and a send span in its own trace linked to it', async () => {
    const mailer = setup();
    const caller = otel.tracerProvider.getTracer('app').startSpan('POST /orders');
    const { id, messageId } = await context.with(trace.setSpan(context.active(), caller), () =>
      mailer.enqueue(message, { priority: 70 }),
    );
    caller.end();
    await mailer.idle();

    const spans = otel.spans();
    const enqueue = only(spans, 'mailover.enqueue');
    expect(enqueue.kind).toBe(3); // PRODUCER
    expect(parentOf(enqueue)).toBe(caller.spanContext().spanId);
    expect(enqueue.attributes).toEqual({
      'mailover.id': id,
      'mailover.message_id': messageId,
      'mailover.queue.name': 'memory',
      'mailover.queue.priority': 70,
      'mailover.queue.delay': 0,
    });
    const send = only(spans, 'mailover.send');
    expect(parentOf(send)).toBeUndefined();
    expect(send.spanContext().traceId).not.toBe(caller.spanContext().traceId);
    expect(
      send.links.map((link) => ({
        traceId: link.context.traceId,
        spanId: link.context.spanId,
        attributes: link.attributes,
      })),
    ).toEqual([
      {
        traceId: enqueue.spanContext().traceId,
        spanId: enqueue.spanContext().spanId,
        attributes: { 'mailover.link.type': 'enqueue' },
      },
    ]);
    expect(send.attributes['mailover.queue.attempt']).toBe(1);
    expect(typeof send.attributes['mailover.queue.wait']).toBe('number');
    expect(send.attributes['mailover.outcome']).toBe('sent');

    const points = await otel.metrics();
    expect(points['mailover.queue.wait{}']).toMatchObject({ count: 1 });
  });

  it('takes the caller’s own carrier instead, and still records its enqueue span', async () => {
    const mailer = setup();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    await mailer.enqueue(message, {
      trace: { traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'vendor=opaque' },
    });
    await mailer.idle();
    const send = only(otel.spans(), 'mailover.send');
    expect(send.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      [traceId, spanId],
    ]);
    expect(send.links[0]!.context.traceState?.get('vendor')).toBe('opaque');
    only(otel.spans(), 'mailover.enqueue');
  });

  it('refuses a carrier that is not a map of header names to strings, naming `trace`', async () => {
    const mailer = setup();
    const refused = (trace: unknown) =>
      mailer.enqueue(message, { trace: trace as Record<string, string> }).then(
        () => undefined,
        (error: unknown) => error,
      );
    for (const trace of [
      'traceparent',
      { traceparent: 5 },
      { 'bad name': 'x' },
      { traceparent: 'x'.repeat(9_000) },
      Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`h${index}`, 'x'])),
      { traceparent: 'line\nbreak' },
    ]) {
      const error = await refused(trace);
      expect(ValidationError.isInstance(error), JSON.stringify(trace).slice(0, 60)).toBe(true);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['trace']);
    }
  });

  it('ignores a stored carrier that does not parse: the send goes on, unlinked', async () => {
    const garbage: unknown[] = [
      { traceparent: 'garbage' },
      { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }, // zero trace id
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01' }, // zero span id
      { traceparent: 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, // forbidden version
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra' },
      { traceparent: '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01' }, // upper case
      { traceparent: ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'] },
      42,
      'traceparent',
      null,
      Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`h${index}`, 'x'])),
    ];
    let next = 0;
    const clock = new VirtualClock();
    const mailer = setup({
      clock,
      queue: tampering(memoryQueue(clock), (payload) => {
        payload.trace = garbage[next++];
        payload.enqueuedAt = 'yesterday';
      }),
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      for (const _ of garbage) await mailer.enqueue({ ...message, subject: `n° ${next}` });
      await mailer.idle();
    } finally {
      process.off('warning', onWarning);
    }
    const sends = otel.spans().filter((span) => span.name === 'mailover.send');
    expect(sends.map((span) => [span.attributes['mailover.outcome'], span.links.length])).toEqual(
      garbage.map(() => ['sent', 0]),
    );
    expect(warnings).toEqual([]);
  });

  it('a version after 00 with more fields still links (W3C: parse what you know)', async () => {
    const mailer = setup();
    await mailer.enqueue(message, {
      trace: { traceparent: '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future' },
    });
    await mailer.idle();
    expect(only(otel.spans(), 'mailover.send').links.map((link) => link.context.spanId)).toEqual([
      'b7ad6b7169203331',
    ]);
  });

  it('a failed enqueue is an ERROR enqueue span, and no job', async () => {
    const mailer = setup();
    await expect(mailer.enqueue(message, { db: {} })).rejects.toThrow(/transactional outbox/);
    const enqueue = only(otel.spans(), 'mailover.enqueue');
    expect(enqueue.status.code).toBe(2);
    expect(enqueue.attributes['error.type']).toBe('ConfigurationError');
  });
});

describe('the queue gauges', () => {
  it('report depth by state and the age of the oldest due job, on the mailer’s clock', async () => {
    const clock = new VirtualClock({ auto: false });
    const mailer = setup({ clock, worker: false });
    await mailer.enqueue({ ...message, subject: 'first' });
    await clock.advance(2_000);
    await mailer.enqueue({ ...message, subject: 'second' });
    await mailer.enqueue({ ...message, subject: 'later' }, { sendAt: new Date(clock.now() + 60_000) });
    await clock.advance(3_000);
    const points = await otel.metrics();
    expect(
      Object.fromEntries(Object.entries(points).filter(([key]) => key.startsWith('mailover.queue.'))),
    ).toEqual({
      'mailover.queue.depth{mailover.queue.name=memory,mailover.queue.state=queued}': 2,
      'mailover.queue.depth{mailover.queue.name=memory,mailover.queue.state=scheduled}': 1,
      'mailover.queue.depth{mailover.queue.name=memory,mailover.queue.state=sending}': 0,
      'mailover.queue.age{mailover.queue.name=memory}': 5,
    });
  });

  it('are not reported for a mailer whose in-memory queue was never used', async () => {
    const mailer = setup();
    await mailer.send(message);
    const points = await otel.metrics();
    expect(Object.keys(points).filter((key) => key.startsWith('mailover.queue.'))).toEqual([]);
    expect(
      points[
        'mailover.sends{mailover.outcome=sent,mailover.provider.id=sendgrid,mailover.strategy=priority}'
      ],
    ).toBe(1);
  });
});

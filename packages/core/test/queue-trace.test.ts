/**
 * The trace carrier a queued job keeps (queue/trace-carrier.ts; docs/observability.md, "Queued
 * sends"), as core sees it, without OpenTelemetry: an enqueue tracer's carrier or the caller's is
 * stored with the job and reported on the worker's `job` event; a tracer that throws or returns
 * something else never breaks an enqueue. And the memory queue's depth (`mailer.queueStats()`).
 */
import { describe, expect, it } from 'vitest';
import { createMailer, type EnqueueTracer, type MailerEvents } from '../src/index.js';
import { mockProvider, VirtualClock } from '../src/testing/index.js';

const message = { from: 'shop@example.com', to: 'ada@example.org', subject: 'Receipt', text: 'Paid.' };
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function setup(options: { worker?: boolean } = {}) {
  const clock = new VirtualClock();
  const mailer = createMailer({
    providers: [mockProvider({ id: 'main', clock })],
    clock,
    ...(options.worker === false ? { worker: false } : {}),
  });
  const sending: MailerEvents['job'][] = [];
  mailer.on('job', (event) => {
    if (event.state === 'sending') sending.push(event);
  });
  return { clock, mailer, sending };
}

async function capturingWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    const result = await run();
    // process.emitWarning is delivered on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, warnings };
  } finally {
    process.off('warning', onWarning);
  }
}

describe('the trace carrier of a queued job', () => {
  it('is what the enqueue tracer captured, told the job first and the outcome after', async () => {
    const { clock, mailer, sending } = setup();
    const started: unknown[] = [];
    const ended: unknown[] = [];
    const tracer: EnqueueTracer = {
      start(job) {
        started.push(job);
        return { carrier: { traceparent }, end: (outcome) => ended.push(outcome) };
      },
    };
    const stop = mailer.traceEnqueues(tracer);
    const enqueuedAt = clock.now();
    const { id, messageId } = await mailer.enqueue(message, { priority: 60 });
    await mailer.idle();
    expect(started).toEqual([
      { id, messageId, runAt: enqueuedAt, priority: 60, queue: 'memory', startedAt: enqueuedAt },
    ]);
    expect(ended).toEqual([{ duplicate: false, endedAt: enqueuedAt }]);
    expect(sending).toEqual([
      {
        id,
        messageId,
        state: 'sending',
        attempts: 1,
        enqueuedAt,
        dueAt: enqueuedAt,
        trace: { traceparent },
      },
    ]);
    stop();
    const second = await mailer.enqueue({ ...message, subject: 'after stop' });
    await mailer.idle();
    expect(started).toHaveLength(1);
    expect(sending.find((event) => event.id === second.id)?.trace).toBeUndefined();
    await mailer.close();
  });

  it('is the caller’s own when given, and a duplicate enqueue is told so', async () => {
    const { mailer, sending } = setup();
    const ended: { duplicate?: boolean }[] = [];
    mailer.traceEnqueues({
      start: () => ({ carrier: { traceparent: 'from-the-tracer' }, end: (outcome) => ended.push(outcome) }),
    });
    const first = await mailer.enqueue(message, { idempotencyKey: 'order-1', trace: { traceparent } });
    await mailer.enqueue(message, { idempotencyKey: 'order-1' });
    await mailer.idle();
    expect(ended.map((outcome) => outcome.duplicate)).toEqual([false, true]);
    expect(sending.map((event) => [event.id, event.trace])).toEqual([[first.id, { traceparent }]]);
    await mailer.close();
  });

  it('keeps the copy it checked: a carrier that reads differently the second time is never stored unchecked', async () => {
    const { mailer, sending } = setup();
    let reads = 0;
    const shifty = {
      get traceparent() {
        reads += 1;
        return reads === 1 ? traceparent : `${traceparent}\r\nX-Injected: 1${'x'.repeat(20_000)}`;
      },
    };
    const queued = await mailer.enqueue(message, { trace: shifty });
    await mailer.idle();
    expect(reads).toBeGreaterThan(1);
    const stored = sending.find((event) => event.id === queued.id)?.trace;
    // Either the checked first read or nothing: never the second read's header injection.
    expect(stored === undefined || stored.traceparent === traceparent).toBe(true);
    expect(JSON.stringify(stored ?? {})).not.toContain('X-Injected');
    // A carrier that cannot be read at all is a validation error naming the field.
    const unreadable = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    await expect(mailer.enqueue(message, { trace: unreadable })).rejects.toThrow(/trace.*could not be read/);
    await mailer.close();
  });

  it('a tracer that throws or returns no carrier never breaks the enqueue: a warning, no carrier', async () => {
    const { mailer, sending } = setup();
    mailer.traceEnqueues({
      start() {
        throw new Error('tracer bug');
      },
    });
    const stopBad = mailer.traceEnqueues({
      start: () => ({ carrier: { traceparent: 'a\nb' } as Record<string, string> }),
    });
    const { result, warnings } = await capturingWarnings(() => mailer.enqueue(message));
    await mailer.idle();
    expect(warnings).toEqual([
      'mailover: an enqueue tracer threw: Error: tracer bug',
      'mailover: an enqueue tracer returned a carrier that .traceparent holds characters a header value cannot (printable ASCII only); the job is stored without it',
    ]);
    expect(sending.map((event) => [event.id, event.trace])).toEqual([[result.id, undefined]]);
    expect((await mailer.status(result.id))?.state).toBe('sent');
    stopBad();
    await mailer.close();
  });
});

describe('mailer.queueStats() on the memory queue', () => {
  it('counts due, scheduled and running jobs, and when the oldest due one became due', async () => {
    const { clock, mailer } = setup({ worker: false });
    expect(await mailer.queueStats()).toEqual({
      queue: 'memory',
      durable: false,
      queued: 0,
      scheduled: 0,
      sending: 0,
    });
    const first = clock.now();
    await mailer.enqueue(message);
    await clock.advance(1_000);
    await mailer.enqueue({ ...message, subject: 'two' });
    await mailer.enqueue({ ...message, subject: 'later' }, { sendAt: new Date(clock.now() + 60_000) });
    expect(await mailer.queueStats()).toEqual({
      queue: 'memory',
      durable: false,
      queued: 2,
      scheduled: 1,
      sending: 0,
      oldestDueAt: first,
    });
    await mailer.close();
  });
});

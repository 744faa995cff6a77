import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createMailer,
  type Mailer,
  type MailerEvents,
  ValidationError,
} from '../src/index.js';
import { type MockProviderOptions, mockProvider, VirtualClock } from '../src/testing/index.js';

const message = { from: 'shop@example.com', to: 'ada@example.org', subject: 'Receipt', text: 'Paid.' };

function setup(
  script?: MockProviderOptions['script'],
  extra: Partial<Parameters<typeof createMailer>[0]> = {},
) {
  const clock = new VirtualClock();
  const provider = mockProvider({ id: 'main', clock, ...(script ? { script } : {}) });
  const mailer = createMailer({
    providers: [provider],
    clock,
    breaker: false,
    retry: { retries: 0 },
    ...extra,
  });
  const events: MailerEvents['job'][] = [];
  mailer.on('job', (event) => events.push(event));
  return { clock, provider, mailer, events };
}

/** Resolves when job `id` reaches `state` (by its events). */
function reaches(
  mailer: Mailer,
  id: string,
  state: MailerEvents['job']['state'],
): Promise<MailerEvents['job']> {
  return new Promise((resolve) => {
    const off = mailer.on('job', (event) => {
      if (event.id === id && event.state === state) {
        off();
        resolve(event);
      }
    });
  });
}

describe('mailer.enqueue on the in-memory queue', () => {
  it('resolves once stored, before any provider call; a worker then sends it with the engine', async () => {
    const { provider, mailer, events } = setup();
    const { id, messageId } = await mailer.enqueue(message);
    expect(provider.calls).toHaveLength(0);
    expect(events[0]).toMatchObject({ id, state: 'queued', attempts: 0 });
    await reaches(mailer, id, 'sent');
    expect(provider.calls).toHaveLength(1);
    const status = await mailer.status(id);
    expect(status?.state).toBe('sent');
    expect(status?.messageId).toBe(messageId);
    expect(status?.recipients['ada@example.org']?.state).toBe('accepted');
    expect(events.map((event) => event.state)).toEqual(['queued', 'sending', 'sent']);
  });

  it('refuses a bad message and bad options with a ValidationError, storing nothing', async () => {
    const { mailer, provider } = setup();
    await expect(mailer.enqueue({ ...message, to: 'not an address' })).rejects.toSatisfy(
      ValidationError.isInstance,
    );
    const error = (await mailer
      .enqueue(message, { sendAt: new Date(Number.NaN), priority: 101, deadline: -5 })
      .catch((caught: unknown) => caught)) as ValidationError;
    expect(error.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'sendAt',
      'priority',
      'deadline',
    ]);
    await mailer.idle();
    expect(provider.calls).toHaveLength(0);
  });

  it('holds a message until sendAt', async () => {
    const { clock, provider, mailer } = setup();
    const sendAt = new Date(clock.now() + 3_600_000);
    const { id } = await mailer.enqueue(message, { sendAt });
    expect(await mailer.status(id)).toMatchObject({ state: 'scheduled', runAt: sendAt.getTime() });
    await reaches(mailer, id, 'sent');
    expect(provider.calls).toHaveLength(1);
    expect(clock.now()).toBeGreaterThanOrEqual(sendAt.getTime());
  });

  it('waits out an outage of every provider on the long schedule (1 min, 5 min, 30 min…), then sends', async () => {
    const down = { fail: 'provider_unavailable' } as const;
    const { clock, provider, mailer, events } = setup([down, down, down, 'ok']);
    const started = clock.now();
    const { id } = await mailer.enqueue(message);
    await reaches(mailer, id, 'sent');
    expect(provider.calls).toHaveLength(4);
    const retries = events.filter((event) => event.state === 'scheduled');
    expect(retries.map((event) => event.runAt! - started)).toEqual([
      expect.closeTo(60_000, -2),
      expect.closeTo(360_000, -2),
      expect.closeTo(2_160_000, -2),
    ]);
    expect(retries[0]!.reason).toMatch(/provider_unavailable|mock failure/);
  });

  it('every provider down for 3 hours, then back: all delivered, in priority order, none dead', async () => {
    const clock = new VirtualClock();
    const backAt = clock.now() + 3 * 3_600_000;
    const down = () => (clock.now() < backAt ? { fail: 'provider_unavailable' as const } : ('ok' as const));
    const [first, second] = [
      mockProvider({ id: 'first', clock, script: down }),
      mockProvider({ id: 'second', clock, script: down }),
    ];
    const mailer = createMailer({
      providers: [first, second],
      clock,
      breaker: false,
      retry: { retries: 0 },
      worker: { concurrency: 1 },
    });
    const states: string[] = [];
    mailer.on('job', (event) => states.push(event.state));
    const enqueued = await Promise.all(
      [20, 70, 50, 100, 0].map((priority) =>
        mailer.enqueue({ ...message, subject: `p${priority}` }, { priority }),
      ),
    );
    await Promise.all(enqueued.map(({ id }) => reaches(mailer, id, 'sent')));
    const accepted = [...first.calls, ...second.calls].filter((call) => call.step === 'ok');
    expect(accepted.map((call) => call.message.subject)).toEqual(['p100', 'p70', 'p50', 'p20', 'p0']);
    expect(states).not.toContain('dead');
    expect(clock.now()).toBeGreaterThanOrEqual(backAt);
  });

  it('dead-letters a permanent failure with the reason, and keeps it out of the queue', async () => {
    const { provider, mailer } = setup([
      { fail: 'recipient_suppressed', message: 'on the suppression list' },
    ]);
    const { id } = await mailer.enqueue(message);
    const dead = await reaches(mailer, id, 'dead');
    expect(dead.reason).toContain('on the suppression list');
    expect(await mailer.status(id)).toMatchObject({ state: 'dead', attempts: 1 });
    await mailer.idle();
    expect(provider.calls).toHaveLength(1);
  });

  it('dead-letters after the last delay of the schedule', async () => {
    const { provider, mailer } = setup([{ fail: 'network' }], { worker: { retryDelaysMs: [1_000, 2_000] } });
    const { id } = await mailer.enqueue(message);
    const dead = await reaches(mailer, id, 'dead');
    expect(dead.reason).toMatch(/^gave up after 3 attempts/);
    expect(provider.calls).toHaveLength(3);
  });

  it('gives up at the deadline instead of retrying past it', async () => {
    const { provider, mailer } = setup([{ fail: 'network' }]);
    const { id } = await mailer.enqueue(message, { deadline: 10 * 60_000 });
    const dead = await reaches(mailer, id, 'dead');
    expect(dead.reason).toMatch(/^deadline/);
    expect(provider.calls).toHaveLength(3); // at 0, 1 and 6 min; the next, at 36 min, is past it
  });

  it('sends messages due at the same time in priority order, higher first', async () => {
    const { clock, provider, mailer } = setup(undefined, { worker: { concurrency: 1 } });
    const sendAt = new Date(clock.now() + 60_000);
    const enqueued = await Promise.all(
      [10, 90, 50, 0, 100].map((priority) =>
        mailer.enqueue({ ...message, subject: `p${priority}` }, { sendAt, priority }),
      ),
    );
    await Promise.all(enqueued.map(({ id }) => reaches(mailer, id, 'sent')));
    expect(provider.calls.map((call) => call.message.subject)).toEqual(['p100', 'p90', 'p50', 'p10', 'p0']);
  });

  it('cancels a message until its send starts, and not after', async () => {
    const { clock, provider, mailer } = setup();
    const later = await mailer.enqueue(message, { sendAt: new Date(clock.now() + 60_000) });
    expect(await mailer.cancel(later.id)).toBe(true);
    expect((await mailer.status(later.id))?.state).toBe('cancelled');
    const now = await mailer.enqueue({ ...message, subject: 'now' });
    await reaches(mailer, now.id, 'sent');
    await clock.advance(120_000);
    await mailer.idle();
    expect(provider.calls.map((call) => call.message.subject)).toEqual(['now']);
    expect(await mailer.cancel(now.id)).toBe(false);
    expect(await mailer.cancel('never-enqueued')).toBe(false);
  });

  it('with worker: false, stores jobs and sends none', async () => {
    const { provider, mailer } = setup(undefined, { worker: false });
    const { id } = await mailer.enqueue(message);
    await mailer.idle();
    expect(provider.calls).toHaveLength(0);
    expect((await mailer.status(id))?.state).toBe('queued');
  });

  it('makes one job and one provider call for one idempotency key', async () => {
    const { provider, mailer } = setup();
    const first = await mailer.enqueue(message, { idempotencyKey: 'receipt-7' });
    const second = await mailer.enqueue(message, { idempotencyKey: 'receipt-7' });
    expect(second).toEqual(first);
    await reaches(mailer, first.id, 'sent');
    const replay = await mailer.send({ ...message, idempotencyKey: 'receipt-7' });
    expect(replay.replayed).toBe(true);
    expect(provider.calls).toHaveLength(1);
  });

  it('refuses the same key for a different message at enqueue, naming what differs', async () => {
    const { mailer } = setup(undefined, { worker: false });
    await mailer.enqueue(message, { idempotencyKey: 'receipt-8' });
    const error = (await mailer
      .enqueue({ ...message, subject: 'Refund' }, { idempotencyKey: 'receipt-8' })
      .catch((caught: unknown) => caught)) as ValidationError;
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.issues[0]!.message).toMatch(/'receipt-8'.*\(subject differ\)/);
  });

  it('refuses worker and lease options that cannot work, naming them', () => {
    const provider = mockProvider();
    for (const [options, named] of [
      [{ worker: { concurrency: 0 } }, 'worker.concurrency'],
      [{ worker: { retryDelaysMs: [60_000, Number.NaN] } }, 'worker.retryDelaysMs[1]'],
      [{ idempotencyLeaseMs: -1 }, 'idempotencyLeaseMs'],
    ] as const) {
      expect(() => createMailer({ providers: [provider], ...options })).toThrow(
        expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining(named) }),
      );
    }
  });

  it('refuses a transactional `db` client: the in-memory queue has no database to commit with', async () => {
    const { mailer } = setup();
    await expect(mailer.enqueue(message, { db: {} })).rejects.toSatisfy(ConfigurationError.isInstance);
  });
});

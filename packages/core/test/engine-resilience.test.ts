import { describe, expect, it } from 'vitest';
import { createMailer, NEVER_ABORTED, type ProviderV1, raceAbort, SendError } from '../src/index.js';
import { mockProvider, VirtualClock } from '../src/testing/index.js';

const message = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

describe('circuit breaker', () => {
  it('an outage costs one failed call per threshold, not one per message; half-open probe closes it', async () => {
    const clock = new VirtualClock({ random: () => 0.5 });
    const down = mockProvider({ id: 'down', script: [{ fail: 'provider_unavailable' }], clock });
    const backup = mockProvider({ id: 'backup', clock });
    const mailer = createMailer({
      providers: [down, backup],
      clock,
      retry: { retries: 2 },
      breaker: { failureThreshold: 3, cooldownMs: 60_000 },
    });
    const events: string[] = [];
    mailer.on('circuit-open', (event) => events.push(`open:${event.provider}`));
    mailer.on('circuit-close', (event) => events.push(`close:${event.provider}`));

    for (let index = 0; index < 20; index++) await mailer.send(message);
    expect(down.calls).toHaveLength(3); // the first message's three calls open the circuit
    expect(backup.calls).toHaveLength(20);
    expect(events).toEqual(['open:down']);

    // Still open before the cooldown ends.
    await clock.advance(30_000);
    await mailer.send(message);
    expect(down.calls).toHaveLength(3);

    // After the cooldown one probe goes through; it fails → open again, no retries on the probe.
    await clock.advance(30_000);
    await mailer.send(message);
    expect(down.calls).toHaveLength(4);
    expect(events).toEqual(['open:down', 'open:down']);

    // Next cooldown: the provider recovered; the probe succeeds and the circuit closes.
    down.setScript(['ok']);
    await clock.advance(60_000);
    const result = await mailer.send(message);
    expect(result.provider).toBe('down');
    expect(events).toEqual(['open:down', 'open:down', 'close:down']);
    await mailer.send(message);
    expect(down.calls).toHaveLength(6);
  });

  it('opens at once on auth failures', async () => {
    const clock = new VirtualClock();
    const broken = mockProvider({ id: 'broken', script: [{ fail: 'auth_failed' }], clock });
    const backup = mockProvider({ id: 'backup', clock });
    const mailer = createMailer({ providers: [broken, backup], clock });
    await mailer.send(message);
    await mailer.send(message);
    await mailer.send(message);
    expect(broken.calls).toHaveLength(1);
  });

  it('a 429 does not trip the breaker', async () => {
    const clock = new VirtualClock({ random: () => 0.5 });
    const busy = mockProvider({ id: 'busy', script: [{ fail: 'rate_limited' }], clock });
    const backup = mockProvider({ id: 'backup', clock });
    const mailer = createMailer({ providers: [busy, backup], clock, breaker: { failureThreshold: 1 } });
    await mailer.send(message);
    await mailer.send(message);
    expect(busy.calls).toHaveLength(6);
  });
});

describe('deadline and abort', () => {
  it('a deadline ends a hanging call and reports deadline_exceeded with outcome unknown', async () => {
    const clock = new VirtualClock();
    const hanging = mockProvider({ id: 'hanging', script: ['hang'], clock });
    const mailer = createMailer({ providers: [hanging], clock });
    const start = clock.now();
    const error = (await mailer.send(message, { deadline: 5_000 }).catch((caught) => caught)) as SendError;
    expect(SendError.isInstance(error)).toBe(true);
    expect(error.code).toBe('deadline_exceeded');
    expect(error.attempts).toHaveLength(1);
    expect(error.attempts[0]).toMatchObject({ code: 'timeout', outcome: 'unknown' });
    expect(error.possiblyDelivered).toBe(true);
    expect(clock.now() - start).toBe(5_000);
  });

  it('the deadline also ends a backoff wait', async () => {
    const clock = new VirtualClock({ random: () => 0.999 });
    const flaky = mockProvider({ id: 'flaky', script: [{ fail: 'network' }], clock });
    const mailer = createMailer({ providers: [flaky], clock, retry: { retries: 10, minDelayMs: 1_000 } });
    const error = (await mailer.send(message, { deadline: 2_500 }).catch((caught) => caught)) as SendError;
    // Calls at t=0 and t=1000; the next backoff (≤ 2000) would cross the deadline, so it stops.
    expect(flaky.calls).toHaveLength(2);
    expect(error.code).toBe('network');
    expect(clock.now()).toBeLessThanOrEqual(Date.UTC(2026, 0, 1) + 2_500);
  });

  it('an AbortSignal stops the send mid-retry', async () => {
    const clock = new VirtualClock({ random: () => 0.5 });
    const controller = new AbortController();
    const flaky = mockProvider({
      id: 'flaky',
      clock,
      script: ({ index }) => {
        if (index === 1) controller.abort();
        return { fail: 'network' };
      },
    });
    const mailer = createMailer({ providers: [flaky], clock, retry: { retries: 5 } });
    const error = (await mailer
      .send(message, { signal: controller.signal })
      .catch((caught) => caught)) as SendError;
    expect(error.code).toBe('aborted');
    expect(flaky.calls).toHaveLength(2);
  });

  it('an already-aborted signal sends nothing', async () => {
    const provider = mockProvider();
    const mailer = createMailer({ providers: [provider] });
    const error = (await mailer
      .send(message, { signal: AbortSignal.abort() })
      .catch((caught) => caught)) as SendError;
    expect(error.code).toBe('aborted');
    expect(provider.calls).toHaveLength(0);
  });
});

describe('the signal a provider gets', () => {
  function signalRecorder(signals: AbortSignal[]): ProviderV1 {
    return {
      specificationVersion: 'v1',
      id: 'recorder',
      kind: 'mock',
      ip: 'rotating',
      limits: {},
      async send(_message, context) {
        signals.push(context.signal);
        return { providerMessageId: `pm-${signals.length}` };
      },
      classifyError: () => ({ code: 'unknown', outcome: 'unknown', message: 'unexpected' }),
    };
  }

  it('is the one shared never-aborting signal when nothing can stop the send', async () => {
    const signals: AbortSignal[] = [];
    const mailer = createMailer({ providers: [signalRecorder(signals)] });
    await mailer.send(message);
    await mailer.send(message);
    expect(signals).toEqual([NEVER_ABORTED, NEVER_ABORTED]);
    expect(NEVER_ABORTED.aborted).toBe(false);
  });

  it('is a signal of its own when the caller passes one or sets a deadline', async () => {
    const signals: AbortSignal[] = [];
    const mailer = createMailer({ providers: [signalRecorder(signals)] });
    const caller = new AbortController();
    await mailer.send(message, { signal: caller.signal });
    await mailer.send(message, { deadline: 60_000 });
    expect(signals).toHaveLength(2);
    for (const signal of signals) expect(signal).not.toBe(NEVER_ABORTED);
    expect(signals[0]).not.toBe(signals[1]);
    // The caller's abort after the send reaches neither: the engine let go of its listener.
    caller.abort();
    expect(signals[0]!.aborted).toBe(false);
  });

  it('raceAbort hands back the promise itself for the never-aborting signal', async () => {
    const promise = Promise.resolve('accepted');
    expect(raceAbort(promise, NEVER_ABORTED)).toBe(promise);
    const controller = new AbortController();
    const raced = raceAbort(new Promise<string>(() => {}), controller.signal);
    controller.abort(new Error('stop'));
    await expect(raced).rejects.toThrow('stop');
  });
});

describe('strategies', () => {
  it('round-robin starts from the next provider each message', async () => {
    const providers = ['a', 'b', 'c'].map((id) => mockProvider({ id }));
    const mailer = createMailer({ providers, strategy: 'round-robin' });
    const used: string[] = [];
    for (let index = 0; index < 6; index++) used.push((await mailer.send(message)).provider);
    expect(used).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('weighted picks in proportion to weights, and still fails over', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const clock = new VirtualClock({ random });
    const heavy = mockProvider({ id: 'heavy', clock });
    const light = mockProvider({ id: 'light', clock });
    const mailer = createMailer({
      providers: [heavy, light],
      clock,
      strategy: { type: 'weighted', weights: { heavy: 3, light: 1 } },
    });
    const outcomes = await mailer.sendMany(
      Array.from({ length: 400 }, () => message),
      { concurrency: 4 },
    );
    const share =
      outcomes.filter((outcome) => outcome.status === 'sent' && outcome.result.provider === 'heavy').length /
      400;
    expect(share).toBeGreaterThan(0.68);
    expect(share).toBeLessThan(0.82);

    heavy.setScript([{ fail: 'auth_failed' }]);
    const result = await mailer.send(message);
    expect(result.provider).toBe('light');
  });

  it('a per-message provider list overrides the strategy', async () => {
    const a = mockProvider({ id: 'a' });
    const b = mockProvider({ id: 'b' });
    const mailer = createMailer({ providers: [a, b] });
    expect((await mailer.send(message, { providers: ['b'] })).provider).toBe('b');
    expect(a.calls).toHaveLength(0);
  });
});

describe('rate limit', () => {
  it('spaces sends to the configured rate so sendMany does not trip 429s', async () => {
    const clock = new VirtualClock();
    const starts: number[] = [];
    const ses = mockProvider({
      id: 'ses',
      clock,
      script: () => {
        starts.push(clock.now());
        return 'ok';
      },
    });
    const mailer = createMailer({ providers: [ses], clock, rateLimits: { ses: { perSecond: 14 } } });
    const outcomes = await mailer.sendMany(
      Array.from({ length: 42 }, () => message),
      { concurrency: 16 },
    );
    expect(outcomes.every((outcome) => outcome.status === 'sent')).toBe(true);
    // In any one-second window at most 14 sends start (burst 14, then 14/s).
    for (const start of starts) {
      expect(starts.filter((other) => other >= start && other < start + 1000).length).toBeLessThanOrEqual(14);
    }
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(1_900);
  });
});

describe('sendMany', () => {
  it('returns one outcome per message in order and never rejects for one message', async () => {
    const provider = mockProvider({
      script: ({ message }) => (message.subject === 'bad' ? { fail: 'recipient_suppressed' } : 'ok'),
    });
    const mailer = createMailer({ providers: [provider] });
    const outcomes = await mailer.sendMany(
      [message, { ...message, subject: 'bad' }, { ...message, to: 'not an address' }, message],
      { concurrency: 2 },
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['sent', 'failed', 'failed', 'sent']);
    const invalid = outcomes[2];
    expect(invalid?.status === 'failed' && invalid.error.name).toBe('ValidationError');
  });
});

import { describe, expect, it } from 'vitest';
import {
  createMailer,
  DEFAULT_FAILURE_ACTIONS,
  FAILURE_CODES,
  type FailureCode,
  MailoverError,
  SendError,
  type SendAttempt,
} from '../src/index.js';
import { type MockProviderOptions, mockProvider, VirtualClock } from '../src/testing/index.js';

const message = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

function setup(firstScript: MockProviderOptions['script'], extra = {}) {
  const clock = new VirtualClock({ random: () => 0.5 });
  const first = mockProvider({ id: 'first', script: firstScript, clock });
  const second = mockProvider({ id: 'second', clock });
  const mailer = createMailer({ providers: [first, second], clock, breaker: false, ...extra });
  return { clock, first, second, mailer };
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (caught: unknown) => caught,
  );
  expect(SendError.isInstance(error)).toBe(true);
  return error as SendError;
}

describe('every failure code drives the engine to its default action', () => {
  const expectedCalls: Record<FailureCode, { first: number; failover: boolean }> = {
    network: { first: 3, failover: true },
    timeout: { first: 3, failover: true },
    rate_limited: { first: 3, failover: true },
    provider_unavailable: { first: 3, failover: true },
    auth_failed: { first: 1, failover: true },
    quota_exceeded: { first: 1, failover: true },
    account_suspended: { first: 1, failover: true },
    sender_not_verified: { first: 1, failover: true },
    message_rejected: { first: 1, failover: true },
    invalid_message: { first: 1, failover: false },
    recipient_suppressed: { first: 1, failover: false },
    unknown: { first: 2, failover: true },
  };

  it('covers the whole taxonomy', () => {
    expect(Object.keys(expectedCalls).sort()).toEqual([...FAILURE_CODES].sort());
    expect(Object.keys(DEFAULT_FAILURE_ACTIONS).sort()).toEqual([...FAILURE_CODES].sort());
  });

  for (const code of FAILURE_CODES) {
    const expected = expectedCalls[code];
    it(`${code} → ${DEFAULT_FAILURE_ACTIONS[code]}`, async () => {
      const { first, second, mailer } = setup([{ fail: code }]);
      if (expected.failover) {
        const result = await mailer.send(message);
        expect(result.provider).toBe('second');
        expect(result.attempts.map((attempt) => attempt.code)).toEqual([
          ...Array<string>(expected.first).fill(code),
          'ok',
        ]);
      } else {
        const error = await sendError(mailer.send(message));
        expect(error.code).toBe(code);
        expect(second.calls).toHaveLength(0);
      }
      expect(first.calls).toHaveLength(expected.first);
    });
  }
});

describe('retry', () => {
  it('retries with exponential backoff and jitter inside the bounds', async () => {
    const delays: number[] = [];
    const clock = new VirtualClock({ random: () => 0.999 });
    const provider = mockProvider({ id: 'p', script: [{ fail: 'network' }], clock });
    const mailer = createMailer({
      providers: [provider],
      clock,
      breaker: false,
      retry: { retries: 4, minDelayMs: 100, maxDelayMs: 500, factor: 2 },
    });
    mailer.on('retry', (event) => delays.push(event.delayMs));
    await sendError(mailer.send(message));
    expect(provider.calls).toHaveLength(5);
    expect(delays).toHaveLength(4);
    const ceilings = [100, 200, 400, 500];
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(ceilings[index]!);
    });
    expect(delays[3]).toBeGreaterThan(delays[0]!);
  });

  it('jitter spreads delays: a low random draw waits less than a high one', async () => {
    const run = async (draw: number) => {
      const clock = new VirtualClock({ random: () => draw });
      const provider = mockProvider({ script: [{ fail: 'timeout' }, 'ok'], clock });
      const mailer = createMailer({ providers: [provider], clock, retry: { minDelayMs: 1000 } });
      const start = clock.now();
      await mailer.send(message);
      return clock.now() - start;
    };
    expect(await run(0)).toBe(500);
    expect(await run(0.999)).toBe(1000);
  });

  it('honours Retry-After', async () => {
    const { clock, first, mailer } = setup([{ fail: 'rate_limited', retryAfterMs: 7_000 }, 'ok']);
    const start = clock.now();
    const result = await mailer.send(message);
    expect(result.provider).toBe('first');
    expect(first.calls).toHaveLength(2);
    expect(clock.now() - start).toBe(7_000);
  });

  it('fails over instead of waiting when Retry-After exceeds the cap', async () => {
    const { clock, first, mailer } = setup([{ fail: 'rate_limited', retryAfterMs: 3_600_000 }], {
      retry: { maxRetryAfterMs: 60_000 },
    });
    const start = clock.now();
    const result = await mailer.send(message);
    expect(result.provider).toBe('second');
    expect(first.calls).toHaveLength(1);
    expect(clock.now() - start).toBe(0);
  });

  it('reuses one Message-ID and idempotency key on every attempt and provider', async () => {
    const { first, second, mailer } = setup([{ fail: 'network' }]);
    const result = await mailer.send(message);
    const ids = [...first.calls, ...second.calls].map((call) => call.message.messageId);
    expect(new Set(ids)).toEqual(new Set([result.messageId]));
    expect(first.calls.map((call) => call.context.attempt)).toEqual([1, 2, 3]);
    expect(new Set([...first.calls, ...second.calls].map((call) => call.context.idempotencyKey)).size).toBe(
      1,
    );
  });
});

describe('results, errors and events', () => {
  it('reports the accepting provider, its id and every attempt', async () => {
    const { mailer } = setup([{ fail: 'provider_unavailable' }]);
    const result = await mailer.send(message);
    expect(result.provider).toBe('second');
    expect(result.providerMessageId).toBe('second-1');
    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(result.attempts.map((attempt: SendAttempt) => attempt.provider)).toEqual([
      'first',
      'first',
      'first',
      'second',
    ]);
    expect(result.attempts.every((attempt) => attempt.durationMs >= 0)).toBe(true);
  });

  it('one SendError with every attempt and the decisive code when all fail', async () => {
    const clock = new VirtualClock({ random: () => 0.5 });
    const a = mockProvider({ id: 'a', script: [{ fail: 'network' }], clock });
    const b = mockProvider({ id: 'b', script: [{ fail: 'auth_failed' }], clock });
    const mailer = createMailer({ providers: [a, b], clock, breaker: false });
    const error = await sendError(mailer.send(message));
    expect(error.code).toBe('auth_failed');
    expect(error.attempts).toHaveLength(4);
    expect(MailoverError.isInstance(error)).toBe(true);
  });

  it('errors are recognised across two copies of the package (Symbol.for marker)', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('mailover.error')]: true });
    const foreignSend = Object.assign(new Error('x'), { [Symbol.for('mailover.error.send')]: true });
    expect(MailoverError.isInstance(foreign)).toBe(true);
    expect(SendError.isInstance(foreignSend)).toBe(true);
    expect(SendError.isInstance(new Error('plain'))).toBe(false);
  });

  it('emits attempt, retry, failover and sent in order', async () => {
    const { mailer } = setup([{ fail: 'timeout' }]);
    const seen: string[] = [];
    for (const name of ['attempt', 'retry', 'failover', 'sent', 'failed'] as const) {
      mailer.on(name, () => seen.push(name));
    }
    await mailer.send(message);
    expect(seen).toEqual(['attempt', 'retry', 'attempt', 'retry', 'attempt', 'failover', 'attempt', 'sent']);
  });

  it('a throwing listener does not break the send', async () => {
    const { mailer } = setup(['ok']);
    mailer.on('sent', () => {
      throw new Error('listener bug');
    });
    await expect(mailer.send(message)).resolves.toMatchObject({ provider: 'first' });
  });
});

describe('ambiguous outcomes', () => {
  it('by default fails over and reports a possible duplicate', async () => {
    const { mailer, first } = setup([{ fail: 'timeout', outcome: 'unknown' }], { retry: { retries: 0 } });
    const result = await mailer.send(message);
    expect(first.calls).toHaveLength(1);
    expect(result.provider).toBe('second');
    expect(result.possibleDuplicate).toBe(true);
  });

  it("with onAmbiguous: 'stop' never risks a duplicate", async () => {
    const { mailer, second } = setup([{ fail: 'timeout', outcome: 'unknown' }], { onAmbiguous: 'stop' });
    const error = await sendError(mailer.send(message));
    expect(error.code).toBe('timeout');
    expect(error.possiblyDelivered).toBe(true);
    expect(second.calls).toHaveLength(0);
  });
});

describe('limits', () => {
  it('skips a provider whose limits the message exceeds', async () => {
    const clock = new VirtualClock();
    const small = mockProvider({ id: 'small', limits: { maxRecipients: 1 }, clock });
    const big = mockProvider({ id: 'big', clock });
    const mailer = createMailer({ providers: [small, big], clock });
    const skipped: string[] = [];
    mailer.on('skip', (event) => skipped.push(`${event.provider}:${event.reason}`));
    const result = await mailer.send({ ...message, to: ['a@example.org', 'b@example.org'] });
    expect(result.provider).toBe('big');
    expect(small.calls).toHaveLength(0);
    expect(skipped).toEqual(['small:limits']);
  });

  it('passes over an ASCII-only provider for a non-ASCII local part, and only then', async () => {
    const clock = new VirtualClock();
    const ascii = mockProvider({ id: 'ascii', limits: { asciiAddressesOnly: true }, clock });
    const utf8 = mockProvider({ id: 'utf8', clock });
    const mailer = createMailer({ providers: [ascii, utf8], clock });
    const skips: string[] = [];
    mailer.on('skip', (event) => skips.push(`${event.provider}: ${event.detail}`));
    expect((await mailer.send({ ...message, to: 'josé@example.org' })).provider).toBe('utf8');
    expect((await mailer.send({ ...message, to: 'jose@bücher.example' })).provider).toBe('ascii');
    expect((await mailer.send({ ...message, cc: 'δοκιμή@example.org' })).provider).toBe('utf8');
    expect((await mailer.send({ ...message, from: 'ventes-été@example.com' })).provider).toBe('utf8');
    expect(skips).toEqual([
      'ascii: josé@example.org has non-ASCII characters before the "@", and this provider takes ASCII addresses only (no SMTPUTF8)',
      'ascii: δοκιμή@example.org has non-ASCII characters before the "@", and this provider takes ASCII addresses only (no SMTPUTF8)',
      'ascii: ventes-été@example.com has non-ASCII characters before the "@", and this provider takes ASCII addresses only (no SMTPUTF8)',
    ]);
    expect(ascii.calls).toHaveLength(1);
  });

  it('fails with no_provider when no provider can take the message', async () => {
    const clock = new VirtualClock();
    const small = mockProvider({ id: 'small', limits: { blockedExtensions: ['exe'] }, clock });
    const mailer = createMailer({ providers: [small], clock });
    const error = await sendError(
      mailer.send({ ...message, attachments: [{ filename: 'setup.exe', content: new Uint8Array([1]) }] }),
    );
    expect(error.code).toBe('no_provider');
  });
});

describe('configuration', () => {
  it('refuses duplicate provider ids and unknown per-message providers', async () => {
    const a = mockProvider({ id: 'same' });
    expect(() => createMailer({ providers: [a, mockProvider({ id: 'same' })] })).toThrow(
      /share the id 'same'/,
    );
    const mailer = createMailer({ providers: [a] });
    await expect(mailer.send(message, { providers: ['nope'] })).rejects.toThrow(/unknown provider 'nope'/);
  });
});

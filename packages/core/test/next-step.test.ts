/** The failure policy as a pure function: no provider, no clock, no mailer. */
import { describe, expect, it } from 'vitest';
import { nextStep, type StepPolicy } from '../src/engine/next-step.js';
import { createMailer, DEFAULT_FAILURE_ACTIONS, providerFailure } from '../src/index.js';
import { mockProvider, VirtualClock } from '../src/testing/index.js';

const policy = (overrides: Partial<StepPolicy> = {}): StepPolicy => ({
  actions: DEFAULT_FAILURE_ACTIONS,
  onAmbiguous: 'failover',
  retry: { retries: 2, minDelayMs: 200, maxDelayMs: 5_000, factor: 2, maxRetryAfterMs: 30_000 },
  now: 1_000,
  deadlineAt: Number.POSITIVE_INFINITY,
  random: () => 1,
  ...overrides,
});

describe('nextStep', () => {
  it('retries a retryable code with backoff until the retries are used, then fails over', () => {
    const failure = providerFailure('network', 'reset');
    expect(nextStep(failure, 1, policy())).toEqual({ type: 'retry', delayMs: 200, reason: 'backoff' });
    expect(nextStep(failure, 2, policy())).toEqual({ type: 'retry', delayMs: 400, reason: 'backoff' });
    expect(nextStep(failure, 3, policy())).toMatchObject({ type: 'failover', openCircuit: false });
  });

  it('honours Retry-After up to the cap, and fails over for a longer wait', () => {
    expect(nextStep(providerFailure('rate_limited', '429', { retryAfterMs: 7_000 }), 1, policy())).toEqual({
      type: 'retry',
      delayMs: 7_000,
      reason: 'retry-after',
    });
    expect(
      nextStep(providerFailure('rate_limited', '429', { retryAfterMs: 60_000 }), 1, policy()),
    ).toMatchObject({
      type: 'failover',
      reason: expect.stringMatching(/maxRetryAfterMs/),
    });
  });

  it('fails over when the retry would end after the deadline', () => {
    const step = nextStep(providerFailure('timeout', 'slow'), 1, policy({ deadlineAt: 1_100 }));
    expect(step).toMatchObject({ type: 'failover', reason: expect.stringMatching(/no time left/) });
  });

  it('opens the circuit exactly for failover_and_open, and stops for stop', () => {
    expect(nextStep(providerFailure('auth_failed', '401'), 1, policy())).toEqual({
      type: 'failover',
      openCircuit: true,
      reason: 'auth_failed: failover_and_open',
    });
    expect(nextStep(providerFailure('message_rejected', 'too big'), 1, policy())).toMatchObject({
      type: 'failover',
      openCircuit: false,
    });
    expect(nextStep(providerFailure('invalid_message', 'bad'), 1, policy()).type).toBe('stop');
    expect(nextStep(providerFailure('unknown', '?'), 1, policy()).type).toBe('retry');
    expect(nextStep(providerFailure('unknown', '?'), 2, policy()).type).toBe('failover');
  });

  it('stops on an ambiguous outcome when onAmbiguous is stop', () => {
    const failure = providerFailure('timeout', 'no answer', { outcome: 'unknown' });
    expect(nextStep(failure, 1, policy()).type).toBe('retry');
    expect(nextStep(failure, 1, policy({ onAmbiguous: 'stop' })).type).toBe('stop');
  });

  it('follows an overridden action: auth_failed set to retry is retried, not failed over', () => {
    const actions = { ...DEFAULT_FAILURE_ACTIONS, auth_failed: 'retry' as const };
    expect(nextStep(providerFailure('auth_failed', '401'), 1, policy({ actions })).type).toBe('retry');
  });
});

describe('the breaker reads the same action table', () => {
  it('with actions { auth_failed: retry } an auth failure is retried on the same provider', async () => {
    const clock = new VirtualClock();
    const primary = mockProvider({
      id: 'primary',
      clock,
      script: [{ fail: 'auth_failed' }, { fail: 'auth_failed' }, 'ok'],
    });
    const backup = mockProvider({ id: 'backup', clock });
    const mailer = createMailer({ providers: [primary, backup], clock, actions: { auth_failed: 'retry' } });
    const result = await mailer.send({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' });
    expect(result.provider).toBe('primary');
    expect(result.attempts.map((attempt) => attempt.code)).toEqual(['auth_failed', 'auth_failed', 'ok']);
    expect(backup.calls).toHaveLength(0);
  });

  it('by default an auth failure opens the circuit at once and the next message skips the provider', async () => {
    const clock = new VirtualClock();
    const primary = mockProvider({ id: 'primary', clock, script: [{ fail: 'auth_failed' }] });
    const backup = mockProvider({ id: 'backup', clock });
    const mailer = createMailer({ providers: [primary, backup], clock });
    const skips: string[] = [];
    mailer.on('skip', (event) => skips.push(`${event.provider}:${event.reason}`));
    const message = { from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' };
    expect((await mailer.send(message)).provider).toBe('backup');
    expect((await mailer.send(message)).provider).toBe('backup');
    expect(primary.calls).toHaveLength(1);
    expect(skips).toEqual(['primary:circuit-open']);
  });
});

/**
 * createMailer checks every option when it is built: a value left blank, non-finite or negative is
 * a ConfigurationError naming the option, never a limit quietly switched off.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createMailer, type CreateMailerOptions } from '../src/index.js';
import { mockProvider, mockWebhooks } from '../src/testing/index.js';

const provider = () => mockProvider({ id: 'esp', webhooks: mockWebhooks({ provider: 'esp' }) });
const fixed = () => mockProvider({ id: 'relay', ip: 'fixed' });
const message = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

/** Every numeric option, as a function from a value to the options that set it. */
const NUMERIC: Record<string, (value: unknown) => Partial<CreateMailerOptions>> = {
  retentionMs: (value) => ({ retentionMs: value as number }),
  maxWebhookBytes: (value) => ({ maxWebhookBytes: value as number }),
  'retry.retries': (value) => ({ retry: { retries: value as number } }),
  'retry.minDelayMs': (value) => ({ retry: { minDelayMs: value as number } }),
  'retry.maxDelayMs': (value) => ({ retry: { maxDelayMs: value as number } }),
  'retry.factor': (value) => ({ retry: { factor: value as number } }),
  'retry.maxRetryAfterMs': (value) => ({ retry: { maxRetryAfterMs: value as number } }),
  'breaker.failureThreshold': (value) => ({ breaker: { failureThreshold: value as number } }),
  'breaker.cooldownMs': (value) => ({ breaker: { cooldownMs: value as number } }),
  'rateLimits.esp.perSecond': (value) => ({ rateLimits: { esp: { perSecond: value as number } } }),
  'rateLimits.esp.burst': (value) => ({ rateLimits: { esp: { perSecond: 10, burst: value as number } } }),
  'greylisting.deferrals': (value) => ({ greylisting: { deferrals: value as number } }),
  'greylisting.distinctNetworks': (value) => ({ greylisting: { distinctNetworks: value as number } }),
  'greylisting.networkPrefix': (value) => ({ greylisting: { networkPrefix: value as number } }),
  'greylisting.windowMs': (value) => ({ greylisting: { windowMs: value as number } }),
  'greylisting.domainMemoryMs': (value) => ({ greylisting: { domainMemoryMs: value as number } }),
  'strategy.weights.esp': (value) => ({ strategy: { type: 'weighted', weights: { esp: value as number } } }),
};
const BAD = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, '', ' ', '5000', null];

describe('createMailer options', () => {
  for (const [option, set] of Object.entries(NUMERIC)) {
    it.each(BAD.map((value) => [String(value === '' ? "''" : value), value]))(
      `${option} = %s is refused`,
      (_, value) => {
        let caught: unknown;
        try {
          createMailer({ providers: [provider(), fixed()], ...set(value) });
        } catch (error) {
          caught = error;
        }
        expect(ConfigurationError.isInstance(caught), String(caught)).toBe(true);
        expect((caught as Error).message).toContain(option);
      },
    );

    // A rate limit has no default rate: it must be given.
    if (option === 'rateLimits.esp.perSecond') {
      it(`${option} left undefined is refused: a rate limit must say its rate`, () => {
        expect(() => createMailer({ providers: [provider()], ...set(undefined) })).toThrow(/needs perSecond/);
      });
    } else {
      it(`${option} left undefined takes the default`, () => {
        expect(() => createMailer({ providers: [provider(), fixed()], ...set(undefined) })).not.toThrow();
      });
    }
  }

  it('a NaN body limit no longer switches the limit off', async () => {
    expect(() =>
      createMailer({ providers: [provider()], maxWebhookBytes: Number(process.env.MAILOVER_UNSET) }),
    ).toThrow(/maxWebhookBytes must be a whole number \(bytes\) of at least 1 \(got NaN\)/);
  });

  it('refuses a provider of a contract version this core does not know, and blank or shared ids', () => {
    const future = { ...provider(), specificationVersion: 'v2' } as unknown as ReturnType<typeof provider>;
    expect(() => createMailer({ providers: [future] })).toThrow(/contract v2.*knows 'v1'/);
    expect(() => createMailer({ providers: [mockProvider({ id: ' ' })] })).toThrow(/blank id/);
    expect(() => createMailer({ providers: [provider(), provider()] })).toThrow(/share the id 'esp'/);
    expect(() => createMailer({ providers: [] })).toThrow(ConfigurationError);
  });

  it('refuses unknown failure codes and actions, and an unknown onAmbiguous', () => {
    expect(() =>
      createMailer({ providers: [provider()], actions: { network: 'explode' as 'retry' } }),
    ).toThrow(/actions.network must be one of/);
    expect(() =>
      createMailer({ providers: [provider()], actions: { nope: 'retry' } as CreateMailerOptions['actions'] }),
    ).toThrow(/unknown failure code 'nope'/);
    expect(() => createMailer({ providers: [provider()], onAmbiguous: 'maybe' as 'stop' })).toThrow(
      /onAmbiguous/,
    );
  });

  it('refuses a misspelt key in an option group instead of leaving the default in force', () => {
    const typo = (options: object) => () =>
      createMailer({ providers: [provider()], ...(options as Partial<CreateMailerOptions>) });
    expect(typo({ retry: { baseDelayMs: 1 } })).toThrow(
      'createMailer: retry.baseDelayMs is not an option (retry takes retries, minDelayMs, maxDelayMs, factor, maxRetryAfterMs); check its spelling',
    );
    expect(typo({ breaker: { threshold: 2 } })).toThrow(/breaker\.threshold is not an option/);
    expect(typo({ greylisting: { deferals: 2 } })).toThrow(/greylisting\.deferals is not an option/);
    expect(typo({ greylisting: { mx: { timeout: 5 } } })).toThrow(
      /greylisting\.mx\.timeout is not an option/,
    );
    expect(typo({ rateLimits: { esp: { perSecond: 1, bursts: 2 } } })).toThrow(/rateLimits\.esp\.bursts/);
    expect(typo({ strategy: { type: 'weighted', weight: { esp: 1 } } })).toThrow(
      /strategy\.weight is not an option/,
    );
    // Spelt right, every key still goes through.
    expect(
      typo({ retry: { retries: 1, minDelayMs: 1 }, breaker: false, greylisting: { mx: true } }),
    ).not.toThrow();
  });

  it('sendMany refuses a concurrency that would send nothing, and send() a NaN deadline', async () => {
    const mailer = createMailer({ providers: [provider()] });
    for (const concurrency of [Number.NaN, 0, -2, 1.5]) {
      await expect(mailer.sendMany([message], { concurrency })).rejects.toThrow(/concurrency/);
    }
    await expect(mailer.send(message, { deadline: Number.NaN })).rejects.toThrow(/deadline/);
    await expect(mailer.send(message, { deadline: new Date('not a date') })).rejects.toThrow(/invalid Date/);
    expect(
      (await mailer.sendMany([message, message], { concurrency: 1 })).map((outcome) => outcome.status),
    ).toEqual(['sent', 'sent']);
  });
});

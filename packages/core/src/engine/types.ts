import type { FailureAction, FailureCode } from '../failures.js';
import type { Provider } from '../provider.js';
import type { Clock } from '../time.js';

export type { SendAttempt, SendResult } from '../send-result.js';

/** How the engine orders providers for a message. */
export type Strategy =
  /** In the order given (the default). */
  | 'priority'
  /** Start from the next provider each message, then the rest in order. */
  | 'round-robin'
  /** Random order, each provider drawn with its weight (default weight 1). */
  | { readonly type: 'weighted'; readonly weights: Readonly<Record<string, number>> };

export interface RetryOptions {
  /** Retries on the same provider after the first call, for retryable codes. Default 2. */
  readonly retries?: number;
  /** Backoff before the first retry, ms. Default 200. */
  readonly minDelayMs?: number;
  /** Largest backoff, ms. Default 5_000. */
  readonly maxDelayMs?: number;
  /** Growth per retry. Default 2. */
  readonly factor?: number;
  /** Largest Retry-After the engine waits for; a longer one fails over instead. Default 30_000. */
  readonly maxRetryAfterMs?: number;
}

export interface BreakerOptions {
  /** Consecutive failed calls (network, timeout, 5xx, unknown) that open the circuit. Default 3. */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one probe call is let through, ms. Default 30_000. */
  readonly cooldownMs?: number;
}

export interface RateLimitOptions {
  /** Sustained sends per second (e.g. SES's account rate, 14). */
  readonly perSecond: number;
  /** Sends allowed at once before pacing starts. Default 1: evenly spaced, never over the rate in any window. */
  readonly burst?: number;
}

export interface MailerOptions {
  /** Providers in priority order. */
  readonly providers: readonly Provider[];
  /** How providers are ordered per message. Default `'priority'`. */
  readonly strategy?: Strategy;
  /** Retries on the same provider: 2 retries, backoff 200 ms doubling to 5 s with jitter, Retry-After honoured up to 30 s. */
  readonly retry?: RetryOptions;
  /** Per-provider circuit breaker (3 consecutive outage failures open it for 30 s); `false` turns it off. */
  readonly breaker?: BreakerOptions | false;
  /** Per-provider send-rate limits, by provider id. Default: none. */
  readonly rateLimits?: Readonly<Record<string, RateLimitOptions>>;
  /**
   * What to do when a call ends with outcome `unknown` (the provider may have accepted): `'failover'`
   * (default: deliver, and report `possibleDuplicate`) or `'stop'` (never risk a duplicate).
   */
  readonly onAmbiguous?: 'failover' | 'stop';
  /** Override the default action of a failure code. */
  readonly actions?: Partial<Readonly<Record<FailureCode, FailureAction>>>;
  /** Time, sleep and randomness. Default: the system clock. */
  readonly clock?: Clock;
}

export interface SendOptions {
  /** Abort the send: in-flight calls are cancelled and the send rejects with code `aborted`. Default: none. */
  readonly signal?: AbortSignal;

  /** Give up after this many ms (from the start of the send) or at this Date. */
  readonly deadline?: number | Date;
  /** Only these providers, in this order (a per-message override of the strategy). */
  readonly providers?: readonly string[];
  /**
   * The stream the message belongs to (`marketing`, `transactional`): recipients suppressed in that
   * stream (an unsubscribe from it) are left out, as well as those suppressed everywhere. Default:
   * none — only the everything-scope applies. docs/suppression.md.
   */
  readonly stream?: string;
  /**
   * Send even to suppressed recipients. For the rare message that must go anyway (a legal notice,
   * a security alert the recipient asked for again); every other use harms the sender's
   * reputation. Default false.
   */
  readonly ignoreSuppressions?: boolean;
}

export interface SendManyOptions extends Omit<SendOptions, 'providers'> {
  /** Messages in flight at once. Default 8. */
  readonly concurrency?: number;
}

import type { RateLimitOptions } from './types.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';

/** Paces sends to one provider. */
export interface RateLimiter {
  /** Resolve when a send may go out; reject when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * A token bucket: `perSecond` sends sustained, bursts up to `burst`. Callers reserve a token and
 * wait for it, so concurrent senders queue in order instead of all hitting the provider's 429.
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(perSecond > 0)) throw new RangeError('rate limit perSecond must be > 0');
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  /** Resolve when a send may go out. Rejects (and gives the token back) if `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens / this.perSecond) * 1000);
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (error) {
      this.tokens += 1;
      throw error;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
  }
}

/**
 * A token bucket shared by every instance through the Store's `reserveToken` (atomic in Redis), so
 * that N processes together stay under the provider's limit.
 */
export class SharedTokenBucket implements RateLimiter {
  /** Paces this process alone while the shared store cannot answer. */
  private readonly local: TokenBucket;

  constructor(
    private readonly key: string,
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly reserve: (key: string, perSecond: number, burst: number) => Promise<number>,
    private readonly clock: Clock,
  ) {
    this.local = new TokenBucket(perSecond, burst, clock);
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    let waitMs: number;
    try {
      waitMs = await this.reserve(this.key, this.perSecond, this.burst);
    } catch (error) {
      process.emitWarning(
        `mailover: shared rate limit '${this.key}' unavailable, pacing locally: ${String(error)}`,
      );
      return this.local.acquire(signal);
    }
    if (waitMs > 0) await this.clock.sleep(waitMs, signal);
  }
}

/**
 * One bucket per rate-limited provider; shared between instances when the store can reserve
 * tokens (Redis), else in this process.
 */
export function rateLimitBuckets(
  rateLimits: ReadonlyMap<string, Required<RateLimitOptions>>,
  store: Store,
  clock: Clock,
): Map<string, RateLimiter> {
  const buckets = new Map<string, RateLimiter>();
  const reserve = store.reserveToken?.bind(store);
  for (const [id, { perSecond, burst }] of rateLimits) {
    buckets.set(
      id,
      reserve
        ? new SharedTokenBucket(storeKeys.rateLimit(id), perSecond, burst, reserve, clock)
        : new TokenBucket(perSecond, burst, clock),
    );
  }
  return buckets;
}

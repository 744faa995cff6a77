import type { Clock } from '../time.js';

/**
 * A token bucket: `perSecond` sends sustained, bursts up to `burst`. Callers reserve a token and
 * wait for it, so concurrent senders queue in order instead of all hitting the provider's 429.
 */
export class TokenBucket {
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

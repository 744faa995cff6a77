import type { Fault, SandboxProviderKind } from './types.js';

/** A standing fault: applies to every request, or to a share of them (`rate`, 0..1). */
export interface StandingFault extends Fault {
  readonly rate?: number;
}

/**
 * Which fault, if any, the next request to each provider gets. One-shot faults queue up and are
 * used first; then a standing fault applies with its rate. Randomness is seeded, so runs repeat.
 */
export class FaultPlan {
  private readonly queued = new Map<SandboxProviderKind, Fault[]>();
  private readonly standing = new Map<SandboxProviderKind, StandingFault>();

  /** `onChange` hears of every set, queue and clear (the web view's live stream). */
  constructor(
    private readonly random: () => number,
    private readonly onChange?: (provider?: SandboxProviderKind) => void,
  ) {}

  /** The standing fault and the queued one-shot faults of a provider, as they are now. */
  describe(provider: SandboxProviderKind): { standing?: StandingFault; queued: readonly Fault[] } {
    const standing = this.standing.get(provider);
    return { ...(standing ? { standing } : {}), queued: [...(this.queued.get(provider) ?? [])] };
  }

  /** Every request to `provider` (or the given share of them) gets `fault` until cleared. */
  set(provider: SandboxProviderKind, fault: StandingFault): void {
    this.standing.set(provider, fault);
    this.onChange?.(provider);
  }

  /** The next request(s) to `provider` get these faults, in order, once each. */
  next(provider: SandboxProviderKind, ...faults: Fault[]): void {
    const queue = this.queued.get(provider) ?? [];
    queue.push(...faults);
    this.queued.set(provider, queue);
    this.onChange?.(provider);
  }

  /** Remove the faults of one provider, or of all. */
  clear(provider?: SandboxProviderKind): void {
    if (provider) {
      this.queued.delete(provider);
      this.standing.delete(provider);
    } else {
      this.queued.clear();
      this.standing.clear();
    }
    this.onChange?.(provider);
  }

  /** The fault for this request, consuming a queued one. */
  take(provider: SandboxProviderKind): Fault | undefined {
    const queue = this.queued.get(provider);
    if (queue && queue.length > 0) {
      const fault = queue.shift();
      this.onChange?.(provider);
      return fault;
    }
    const fault = this.standing.get(provider);
    if (!fault) return undefined;
    if (fault.rate === undefined || this.random() < fault.rate) return fault;
    return undefined;
  }
}

/** A small seeded PRNG (mulberry32), so fault rates repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

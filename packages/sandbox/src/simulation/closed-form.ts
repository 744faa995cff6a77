import { Greylister, type GreylisterSpec } from './greylister.js';
import type { IpPool } from './ip-pool.js';
import type { Random } from './random.js';
import type { RetrySchedule } from './schedules.js';

/**
 * greylisting-model.md §6: with K equally likely keys drawn independently per attempt and J retries
 * (d ≤ every gap, W ≥ the horizon), the chance that no retry ever repeats an earlier key:
 * P_loop = ∏_{i=1..J} (1 − i/K).
 */
export function loopProbability(keys: number, retries: number): number {
  let product = 1;
  for (let index = 1; index <= retries; index++) product *= Math.max(0, 1 - index / keys);
  return product;
}

/** P(delivered at retry j) = (j/K)·∏_{i<j}(1 − i/K), for j = 1..J (index 0 is attempt 0: never). */
export function deliveryAtRetry(keys: number, retries: number): number[] {
  const chances = [0];
  for (let retry = 1; retry <= retries; retry++) {
    chances.push((Math.min(retry, keys) / keys) * loopProbability(keys, retry - 1));
  }
  return chances;
}

/** E[T | delivered] for attempt times `times` (ms, the first at 0), under the closed form. */
export function expectedDelayIfDelivered(keys: number, times: readonly number[]): number {
  const chances = deliveryAtRetry(keys, times.length - 1);
  const delivered = 1 - loopProbability(keys, times.length - 1);
  return chances.reduce((sum, chance, retry) => sum + chance * times[retry]!, 0) / delivered;
}

export interface TrialOptions {
  readonly greylister: GreylisterSpec;
  readonly pool: IpPool;
  readonly schedule: RetrySchedule;
  readonly trials: number;
  readonly random: Random;
}

export interface TrialResult {
  readonly trials: number;
  readonly delivered: number;
  /** Trials never delivered before the schedule ran out. */
  readonly loops: number;
  /** Delay of each delivered trial, ms. */
  readonly delays: readonly number[];
}

/**
 * Monte Carlo of one message to one greylister, trial after trial, each against a fresh greylist:
 * no clock, no engine, so hundreds of thousands of trials take well under a second.
 */
export function runTrials(options: TrialOptions): TrialResult {
  const delays: number[] = [];
  let loops = 0;
  for (let trial = 0; trial < options.trials; trial++) {
    const greylister = new Greylister(options.greylister);
    const times = options.schedule.attempts(options.random);
    const sender = `bounces+trial${trial}@mta.example`;
    let delivered = false;
    for (let index = 0; index < times.length && !delivered; index++) {
      const ip = options.pool.pick(`trial${trial}`, index + 1);
      delivered = greylister.check({
        time: times[index]!,
        ip,
        sender,
        recipient: 'user@greylisting.example',
      }).accept;
      if (delivered) delays.push(times[index]!);
    }
    if (!delivered) loops += 1;
  }
  return { trials: options.trials, delivered: delays.length, loops, delays };
}

export interface Agreement {
  readonly expected: number;
  readonly observed: number;
  /** Binomial standard error √(p(1−p)/n) at the expected p. */
  readonly sigma: number;
  /** Whether |observed − expected| ≤ 2σ (exact equality when σ is 0). */
  readonly agrees: boolean;
}

/** Does an observed share agree with the expected probability within binomial error (±2σ)? */
export function binomialAgreement(expected: number, observed: number, trials: number): Agreement {
  const sigma = Math.sqrt((expected * (1 - expected)) / trials);
  const agrees =
    sigma === 0 ? Math.abs(observed - expected) < 1e-12 : Math.abs(observed - expected) <= 2 * sigma;
  return { expected, observed, sigma, agrees };
}

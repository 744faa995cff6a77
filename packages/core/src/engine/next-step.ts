/**
 * What the engine does after a failed call, decided in one pure function: retry the same provider
 * after a delay, fail over to the next, or stop. The action table (`actions`, defaults in
 * failures.ts) is the one source of truth: the circuit breaker opens on `failover_and_open` because
 * this function says so, not from a list of its own. docs/failure-taxonomy.md.
 */
import type { FailureAction, FailureCode, ProviderFailure } from '../failures.js';
import { backoffDelay } from './backoff.js';

/** Everything `nextStep` reads besides the failure: resolved options and the send's clock. */
export interface StepPolicy {
  readonly actions: Readonly<Record<FailureCode, FailureAction>>;
  readonly onAmbiguous: 'failover' | 'stop';
  readonly retry: {
    readonly retries: number;
    readonly minDelayMs: number;
    readonly maxDelayMs: number;
    readonly factor: number;
    readonly maxRetryAfterMs: number;
  };
  /** Now, epoch ms. */
  readonly now: number;
  /** When the send must be over, epoch ms (Infinity for none). */
  readonly deadlineAt: number;
  /** A number in [0, 1) for the backoff's jitter. */
  readonly random: () => number;
}

/** The decision. Every variant says why, in words for the history and the errors. */
export type NextStep =
  | {
      readonly type: 'retry';
      readonly delayMs: number;
      /** `'retry-after'` when the provider asked for the delay, else `'backoff'`. */
      readonly reason: 'backoff' | 'retry-after';
    }
  | {
      readonly type: 'failover';
      /** True when this provider's circuit opens now (action `failover_and_open`). */
      readonly openCircuit: boolean;
      readonly reason: string;
    }
  | { readonly type: 'stop'; readonly reason: string };

/** Retries the action allows on one provider after its first call. */
function retriesAllowed(action: FailureAction, retries: number): number {
  if (action === 'retry') return retries;
  if (action === 'retry_once') return 1;
  return 0;
}

/** After call number `attempt` to one provider failed with `failure`: what next? */
export function nextStep(failure: ProviderFailure, attempt: number, policy: StepPolicy): NextStep {
  const action = policy.actions[failure.code];
  if (action === 'stop') return { type: 'stop', reason: `${failure.code} would fail with any provider` };
  if (failure.outcome === 'unknown' && policy.onAmbiguous === 'stop') {
    return { type: 'stop', reason: 'the provider may have accepted it; not retried (onAmbiguous: stop)' };
  }
  if (action === 'failover_and_open' || action === 'failover') {
    return {
      type: 'failover',
      openCircuit: action === 'failover_and_open',
      reason: `${failure.code}: ${action}`,
    };
  }
  if (attempt > retriesAllowed(action, policy.retry.retries)) {
    return { type: 'failover', openCircuit: false, reason: `${failure.code}: retries used up` };
  }
  const asked = failure.retryAfterMs;
  if (asked !== undefined && asked > policy.retry.maxRetryAfterMs) {
    return {
      type: 'failover',
      openCircuit: false,
      reason: `${failure.code}: the provider asked to wait ${asked} ms, over maxRetryAfterMs`,
    };
  }
  const delayMs = asked ?? backoffDelay(attempt, policy.retry, policy.random);
  if (policy.now + delayMs >= policy.deadlineAt) {
    return { type: 'failover', openCircuit: false, reason: `${failure.code}: no time left for a retry` };
  }
  return { type: 'retry', delayMs, reason: asked === undefined ? 'backoff' : 'retry-after' };
}

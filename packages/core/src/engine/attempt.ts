/**
 * One call to one provider: the only place the engine calls `provider.send`, and how the call is
 * described afterwards. The caller awaits the call itself: an async wrapper here was one more
 * promise layer on every send (docs/performance.md).
 */
import type { ProviderFailure } from '../failures.js';
import type { NormalizedMessage } from '../message/types.js';
import type { Provider, ProviderSendResult } from '../provider.js';
import type { SendAttempt } from '../send-result.js';
import { describeStop, type StopSignal } from './stop-signal.js';

/** Call `provider` once with this send's signal; `recipients` narrows the call (suppressed left out, re-sends). */
export function callProvider(
  provider: Provider,
  message: NormalizedMessage,
  attempt: number,
  signal: AbortSignal,
  recipients: readonly string[] | undefined,
): Promise<ProviderSendResult> {
  const idempotencyKey = message.idempotencyKey ?? message.id;
  return provider.send(
    message,
    recipients ? { signal, attempt, idempotencyKey, recipients } : { signal, attempt, idempotencyKey },
  );
}

/** The record of a call the provider accepted. */
export function acceptedAttempt(
  provider: Provider,
  attempt: number,
  startedAt: number,
  now: number,
): SendAttempt {
  return { provider: provider.id, attempt, code: 'ok', startedAt, durationMs: now - startedAt };
}

/** A call that threw, classified. Never throws. */
export function failureOf(provider: Provider, error: unknown, stop: StopSignal): ProviderFailure {
  const stopped = stop.stopped();
  // A call cut short by the deadline or the caller may have reached the provider.
  if (stopped) return { code: 'timeout', outcome: 'unknown', message: describeStop(stopped) };
  return classify(provider, error);
}

/** The record of a failed call. */
export function failedAttempt(
  provider: Provider,
  attempt: number,
  failure: ProviderFailure,
  startedAt: number,
  now: number,
): SendAttempt {
  return {
    provider: provider.id,
    attempt,
    code: failure.code,
    outcome: failure.outcome,
    message: failure.message,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    startedAt,
    durationMs: now - startedAt,
  };
}

/** `classifyError` is promised total; a provider whose classifier throws still gets an answer. */
function classify(provider: Provider, error: unknown): ProviderFailure {
  try {
    return provider.classifyError(error);
  } catch {
    return { code: 'unknown', outcome: 'unknown', message: `${provider.id}: classifyError threw` };
  }
}

/** One call to one provider, described: the only place the engine calls `provider.send`. */
import type { ProviderFailure } from '../failures.js';
import type { NormalizedMessage } from '../message/types.js';
import type { Provider, ProviderSendResult } from '../provider.js';
import type { Clock } from '../time.js';
import type { SendAttempt } from '../send-result.js';
import { describeStop, type StopSignal } from './stop-signal.js';

export type AttemptOutcome =
  | { readonly record: SendAttempt; readonly accepted: ProviderSendResult }
  | { readonly record: SendAttempt; readonly failure: ProviderFailure };

/** Call `provider` once. Never throws: a failure comes back classified. */
export async function attemptSend(
  provider: Provider,
  message: NormalizedMessage,
  attempt: number,
  stop: StopSignal,
  clock: Clock,
  recipients: readonly string[] | undefined,
): Promise<AttemptOutcome> {
  const startedAt = clock.now();
  try {
    const accepted = await provider.send(message, {
      signal: stop.signal,
      attempt,
      idempotencyKey: message.idempotencyKey ?? message.id,
      ...(recipients ? { recipients } : {}),
    });
    return {
      record: { provider: provider.id, attempt, code: 'ok', startedAt, durationMs: clock.now() - startedAt },
      accepted,
    };
  } catch (error) {
    const stopped = stop.stopped();
    // A call cut short by the deadline or the caller may have reached the provider.
    const failure: ProviderFailure = stopped
      ? { code: 'timeout', outcome: 'unknown', message: describeStop(stopped) }
      : classify(provider, error);
    return {
      record: {
        provider: provider.id,
        attempt,
        code: failure.code,
        outcome: failure.outcome,
        message: failure.message,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        ...(failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        startedAt,
        durationMs: clock.now() - startedAt,
      },
      failure,
    };
  }
}

/** `classifyError` is promised total; a provider whose classifier throws still gets an answer. */
function classify(provider: Provider, error: unknown): ProviderFailure {
  try {
    return provider.classifyError(error);
  } catch {
    return { code: 'unknown', outcome: 'unknown', message: `${provider.id}: classifyError threw` };
  }
}

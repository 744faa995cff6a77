import { ConfigurationError, NEVER_ABORTED } from '../adapter-kit.js';
import { numberOption } from '../config/check.js';
import { SendError } from '../errors.js';
import type { FailureAction, FailureCode, ProviderFailure } from '../failures.js';
import type { NormalizedMessage } from '../message/types.js';
import type { Provider } from '../provider.js';
import type { Clock } from '../time.js';
import { backoffDelay } from './backoff.js';
import type { CircuitBreaker } from './breaker.js';
import type { MailerEmitter } from './events.js';
import { exceededLimit } from './limits.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SendAttempt, SendOptions, SendResult } from './types.js';

/** Why the engine aborted an in-flight call (an AbortError, as SDKs and fetch expect). */
class StopReason extends Error {
  override name = 'AbortError';
  constructor(readonly code: 'deadline_exceeded' | 'aborted') {
    super(code === 'aborted' ? 'the send was aborted by the caller' : 'the send deadline passed');
  }
}

export interface DeliveryDependencies {
  readonly clock: Clock;
  readonly emitter: MailerEmitter;
  readonly breakers: ReadonlyMap<string, CircuitBreaker>;
  readonly buckets: ReadonlyMap<string, RateLimiter>;
  readonly actions: Readonly<Record<FailureCode, FailureAction>>;
  readonly onAmbiguous: 'failover' | 'stop';
  readonly retry: {
    readonly retries: number;
    readonly minDelayMs: number;
    readonly maxDelayMs: number;
    readonly factor: number;
    readonly maxRetryAfterMs: number;
  };
}

/** Sends one message through `order`, retrying and failing over; resolves to the first acceptance. */
export type Deliver = (
  message: NormalizedMessage,
  order: readonly Provider[],
  options: Omit<SendOptions, 'providers'>,
  recipients?: readonly string[],
) => Promise<SendResult>;

/**
 * The attempt loop: retry the same provider while its failure code says so (backoff with jitter,
 * or the provider's Retry-After up to a cap), then fail over in order; skip providers whose limits
 * the message exceeds or whose circuit is open; stop at the deadline or when the caller aborts.
 */
export function createDeliver(dependencies: DeliveryDependencies): Deliver {
  const { clock, emitter, breakers, buckets, actions, onAmbiguous, retry } = dependencies;
  return deliver;

  async function deliver(
    message: NormalizedMessage,
    order: readonly Provider[],
    sendOptions: Omit<SendOptions, 'providers'>,
    recipients?: readonly string[],
  ): Promise<SendResult> {
    const startedAt = clock.now();
    const deadlineAt = deadlineOf(sendOptions.deadline, startedAt);
    const callerSignal = sendOptions.signal;
    const hasDeadline = Number.isFinite(deadlineAt);
    const controller = callerSignal || hasDeadline ? new AbortController() : undefined;
    // A send nothing can stop shares one signal that never aborts: an AbortController per send cost
    // ~5 µs, and adapters can leave that signal out of their SDK call and keep one client.
    const signal = controller?.signal ?? NEVER_ABORTED;
    // Only a send with a deadline needs a timer to stop: aborting one builds a DOMException with a
    // stack, a cost every send paid before.
    const stopTimer = hasDeadline ? new AbortController() : undefined;
    const onCallerAbort = () => controller?.abort(new StopReason('aborted'));
    if (callerSignal?.aborted) onCallerAbort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    if (stopTimer) {
      clock.sleep(Math.max(0, deadlineAt - startedAt), stopTimer.signal).then(
        () => controller?.abort(new StopReason('deadline_exceeded')),
        () => {},
      );
    }
    const attempts: SendAttempt[] = [];
    const fail = (code: SendError['code'], text: string): never => {
      const possiblyDelivered = attempts.some((attempt) => attempt.outcome === 'unknown');
      emitter.emit('failed', { id: message.id, messageId: message.messageId, code, attempts, message: text });
      throw new SendError(text, code, attempts, message.id, message.messageId, possiblyDelivered);
    };
    const stopped = () => (signal.reason as StopReason).code;

    try {
      let lastFailure: ProviderFailure | undefined;
      for (let index = 0; index < order.length; index++) {
        const provider = order[index]!;
        const tooBig = exceededLimit(message, provider.limits);
        if (tooBig) {
          emitter.emit('skip', { id: message.id, provider: provider.id, reason: 'limits', detail: tooBig });
          continue;
        }
        const breaker = breakers.get(provider.id);
        for (let attempt = 1; ; attempt++) {
          if (signal.aborted) fail(stopped(), describeStop(stopped()));
          // Synchronous unless a shared circuit has to be asked: no await on the common path.
          const admitted = breaker ? breaker.tryAcquire() : true;
          if (admitted === false || (admitted !== true && !(await admitted))) {
            emitter.emit('skip', {
              id: message.id,
              provider: provider.id,
              reason: 'circuit-open',
              detail: `circuit open after earlier failures`,
            });
            break;
          }
          const bucket = buckets.get(provider.id);
          if (bucket) {
            try {
              await bucket.acquire(controller?.signal);
            } catch (error) {
              if (signal.aborted) fail(stopped(), describeStop(stopped()));
              throw error;
            }
          }

          const callStartedAt = clock.now();
          let failure: ProviderFailure;
          try {
            const accepted = await provider.send(message, {
              signal,
              attempt,
              idempotencyKey: message.idempotencyKey ?? message.id,
              ...(recipients ? { recipients } : {}),
            });
            const record: SendAttempt = {
              provider: provider.id,
              attempt,
              code: 'ok',
              startedAt: callStartedAt,
              durationMs: clock.now() - callStartedAt,
            };
            attempts.push(record);
            if (emitter.has('attempt'))
              emitter.emit('attempt', { ...record, id: message.id, messageId: message.messageId });
            breaker?.onSuccess();
            const result: SendResult = {
              id: message.id,
              messageId: message.messageId,
              provider: provider.id,
              providerMessageId: accepted.providerMessageId,
              attempts,
              possibleDuplicate: attempts.some((entry) => entry.outcome === 'unknown'),
            };
            emitter.emit('sent', result);
            return result;
          } catch (error) {
            failure = signal.aborted
              ? { code: 'timeout', outcome: 'unknown', message: describeStop(stopped()) }
              : classify(provider, error);
          }
          const record: SendAttempt = {
            provider: provider.id,
            attempt,
            code: failure.code,
            outcome: failure.outcome,
            message: failure.message,
            ...(failure.status === undefined ? {} : { status: failure.status }),
            ...(failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
            ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            startedAt: callStartedAt,
            durationMs: clock.now() - callStartedAt,
          };
          attempts.push(record);
          lastFailure = failure;
          emitter.emit('attempt', { ...record, id: message.id, messageId: message.messageId });
          if (signal.aborted) fail(stopped(), describeStop(stopped()));
          breaker?.onFailure(failure.code);

          const action = actions[failure.code];
          if (action === 'stop') fail(failure.code, `${provider.id}: ${failure.message}`);
          if (failure.outcome === 'unknown' && onAmbiguous === 'stop') {
            fail(
              failure.code,
              `${provider.id}: ${failure.message} (the provider may have accepted it; not retried)`,
            );
          }
          const maxRetries = action === 'retry' ? retry.retries : action === 'retry_once' ? 1 : 0;
          if (attempt > maxRetries) break;
          const honoured =
            failure.retryAfterMs !== undefined && failure.retryAfterMs <= retry.maxRetryAfterMs;
          if (failure.retryAfterMs !== undefined && !honoured) break; // a long wait: fail over instead
          const delayMs = honoured
            ? failure.retryAfterMs!
            : backoffDelay(attempt, retry, () => clock.random());
          if (clock.now() + delayMs >= deadlineAt) break; // no time for a retry: try the next provider
          emitter.emit('retry', {
            id: message.id,
            provider: provider.id,
            attempt: attempt + 1,
            delayMs,
            code: failure.code,
            reason: honoured ? 'retry-after' : 'backoff',
          });
          try {
            await clock.sleep(delayMs, controller?.signal);
          } catch {
            fail(stopped(), describeStop(stopped()));
          }
        }
        if (lastFailure && attempts.at(-1)?.provider === provider.id) {
          const next = order.slice(index + 1)[0];
          emitter.emit('failover', {
            id: message.id,
            from: provider.id,
            ...(next ? { to: next.id } : {}),
            code: lastFailure.code,
          });
        }
      }
      if (!lastFailure)
        return fail('no_provider', 'no provider could take this message (limits or open circuits)');
      return fail(
        lastFailure.code,
        `every provider failed; last: ${attempts.at(-1)?.provider}: ${lastFailure.message}`,
      );
    } finally {
      stopTimer?.abort();
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }
}

function classify(provider: Provider, error: unknown): ProviderFailure {
  try {
    return provider.classifyError(error);
  } catch {
    return { code: 'unknown', outcome: 'unknown', message: `${provider.id}: classifyError threw` };
  }
}

/**
 * When the send must stop, epoch ms (Infinity for no deadline). A NaN deadline, which once meant
 * "no deadline", is refused like any other option that would switch a limit off.
 */
function deadlineOf(deadline: number | Date | undefined, startedAt: number): number {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  const at =
    deadline instanceof Date
      ? deadline.getTime()
      : startedAt + numberOption('send', 'deadline', deadline, 0, { min: 0, unit: 'ms' });
  if (!Number.isFinite(at)) {
    throw new ConfigurationError('send: deadline is an invalid Date; give a valid Date or a number of ms');
  }
  return at;
}

function describeStop(code: 'deadline_exceeded' | 'aborted'): string {
  return code === 'aborted' ? 'the send was aborted by the caller' : 'the send deadline passed';
}

/**
 * The attempt loop of one send, as named steps: order the providers (done by the caller), skip
 * those the message does not fit or whose circuit is open, wait for a rate limit, make one
 * attempt (attempt.ts), and on failure ask `nextStep` (next-step.ts) whether to retry, fail over
 * or stop. docs/architecture.md, "The life of a message".
 */
import { SendError } from '../errors.js';
import type { FailureAction, FailureCode, ProviderFailure } from '../failures.js';
import { allRecipients, type NormalizedMessage } from '../message/types.js';
import type { Provider, ProviderSendResult } from '../provider.js';
import type { SendAttempt, SendResult, SuppressedRecipient } from '../send-result.js';
import type { Screen } from '../suppression/screen.js';
import type { Clock } from '../time.js';
import { acceptedAttempt, callProvider, failedAttempt, failureOf } from './attempt.js';
import type { CircuitBreaker } from './breaker.js';
import type { MailerEmitter } from './events.js';
import { exceededLimit } from './limits.js';
import { nextStep, type StepPolicy } from './next-step.js';
import type { ResolvedRetry } from './options.js';
import type { RateLimiter } from './rate-limiter.js';
import { rejectionsOf } from './rejected.js';
import { deadlineOf, describeStop, type StopCode, stopSignal } from './stop-signal.js';
import type { SendOptions } from './types.js';

export interface DeliveryDependencies {
  readonly clock: Clock;
  readonly emitter: MailerEmitter;
  readonly breakers: ReadonlyMap<string, CircuitBreaker>;
  readonly buckets: ReadonlyMap<string, RateLimiter>;
  readonly actions: Readonly<Record<FailureCode, FailureAction>>;
  readonly onAmbiguous: 'failover' | 'stop';
  /** The configured strategy's name, reported by the `sending` event. */
  readonly strategy: string;
  readonly retry: ResolvedRetry;
  /** The suppression check before every call (docs/suppression.md); undefined: turned off. */
  readonly screen: Screen | undefined;
}

/** Sends one message through `order`, retrying and failing over; resolves to the first acceptance. */
export type Deliver = (
  message: NormalizedMessage,
  order: readonly Provider[],
  options: Omit<SendOptions, 'providers'>,
  recipients?: readonly string[],
) => Promise<SendResult>;

type Writable<T> = { -readonly [Key in keyof T]: T[Key] };

/** Thrown inside the loop to end the send; turned into a SendError (and a `failed` event) once. */
class Stop {
  constructor(
    readonly code: SendError['code'],
    readonly text: string,
  ) {}
}

export function createDeliver(dependencies: DeliveryDependencies): Deliver {
  const { clock, emitter, breakers, buckets, strategy, screen } = dependencies;

  return async function deliver(message, order, sendOptions, recipients) {
    const startedAt = clock.now();
    if (emitter.has('sending')) {
      emitter.emit('sending', {
        id: message.id,
        messageId: message.messageId,
        providers: order.map((provider) => provider.id),
        strategy: recipients ? 'greylist-failover' : strategy,
        recipients: recipients ?? allRecipients(message).map((address) => address.address),
        startedAt,
      });
    }
    const deadlineAt = deadlineOf(sendOptions.deadline, startedAt);
    const stop = stopSignal(sendOptions.signal, deadlineAt, startedAt, clock);
    const attempts: SendAttempt[] = [];
    let suppressed: Map<string, SuppressedRecipient> | undefined;
    const halt = (code: StopCode): never => {
      throw new Stop(code, describeStop(code));
    };
    const checkStopped = () => {
      const stopped = stop.stopped();
      if (stopped) halt(stopped);
    };

    /** One provider, retried as `nextStep` says: the acceptance, or its last failure (undefined: skipped). */
    async function tryProvider(provider: Provider): Promise<SendResult | ProviderFailure | undefined> {
      const breaker = breakers.get(provider.id);
      const bucket = buckets.get(provider.id);
      let lastFailure: ProviderFailure | undefined;
      for (let attempt = 1; ; attempt++) {
        checkStopped();
        const screened = screen?.(message, recipients);
        const targets = screened ? leaveOutSuppressed(await screened) : recipients;
        // Synchronous unless a shared circuit has to be asked: no await on the common path.
        const admitted = breaker ? breaker.tryAcquire() : true;
        if (admitted === false || (admitted !== true && !(await admitted))) {
          emitter.emit('skip', {
            id: message.id,
            provider: provider.id,
            reason: 'circuit-open',
            detail: 'circuit open after earlier failures',
          });
          return lastFailure;
        }
        if (bucket) await waitForRateLimit(bucket, provider);
        // The attempt (attempt.ts), awaited here: no promise layer of its own around the call.
        const startedAt = clock.now();
        let accepted: ProviderSendResult | undefined;
        let failure: ProviderFailure | undefined;
        try {
          accepted = await callProvider(provider, message, attempt, stop.signal, targets);
        } catch (error) {
          failure = failureOf(provider, error, stop);
        }
        if (failure === undefined) {
          const record = acceptedAttempt(provider, attempt, startedAt, clock.now());
          attempts.push(record);
          if (emitter.has('attempt'))
            emitter.emit('attempt', { ...record, id: message.id, messageId: message.messageId });
          breaker?.onSuccess();
          const rejected = rejectionsOf(accepted as ProviderSendResult, message, targets);
          const result: Writable<SendResult> = {
            id: message.id,
            messageId: message.messageId,
            provider: provider.id,
            providerMessageId: (accepted as ProviderSendResult).providerMessageId,
            attempts,
            possibleDuplicate: attempts.some((entry) => entry.outcome === 'unknown'),
          };
          // Set, not spread: an object spread on every send for fields most sends lack.
          if (suppressed) result.suppressed = [...suppressed.values()];
          if (rejected) result.rejected = rejected;
          return result;
        }
        const record = failedAttempt(provider, attempt, failure, startedAt, clock.now());
        attempts.push(record);
        lastFailure = failure;
        emitter.emit('attempt', { ...record, id: message.id, messageId: message.messageId });
        checkStopped();
        const step = nextStep(failure, attempt, policy());
        breaker?.onFailure(failure.code, step.type === 'failover' && step.openCircuit);
        if (step.type === 'stop') {
          const ambiguous = dependencies.actions[failure.code] !== 'stop';
          throw new Stop(
            failure.code,
            `${provider.id}: ${failure.message}${ambiguous ? ' (the provider may have accepted it; not retried)' : ''}`,
          );
        }
        if (step.type === 'failover') return failure;
        emitter.emit('retry', {
          id: message.id,
          provider: provider.id,
          attempt: attempt + 1,
          delayMs: step.delayMs,
          code: failure.code,
          reason: step.reason,
        });
        await clock.sleep(step.delayMs, stop.waits).catch(() => halt(stop.stopped() ?? 'aborted'));
      }
    }

    /** The recipients of this call once the suppressed are left out; none left ends the send. */
    function leaveOutSuppressed(screened: Awaited<ReturnType<Screen>>): readonly string[] | undefined {
      if (!screened) return recipients;
      suppressed ??= new Map();
      for (const entry of screened.suppressed) suppressed.set(entry.address, entry);
      if (screened.remaining.length > 0) return screened.remaining;
      throw new Stop(
        'recipient_suppressed',
        `every recipient is suppressed (${[...suppressed.values()].map((entry) => `${entry.address}: ${entry.reason}`).join(', ')}); no provider was called for them`,
      );
    }

    function policy(): StepPolicy {
      return { ...dependencies, now: clock.now(), deadlineAt, random: () => clock.random() };
    }

    async function waitForRateLimit(bucket: RateLimiter, provider: Provider): Promise<void> {
      const waitFrom = emitter.has('rate-limit-wait') ? clock.now() : undefined;
      try {
        await bucket.acquire(stop.waits);
      } catch (error) {
        checkStopped();
        throw error;
      }
      const waitedMs = waitFrom === undefined ? 0 : clock.now() - waitFrom;
      if (waitedMs > 0) emitter.emit('rate-limit-wait', { id: message.id, provider: provider.id, waitedMs });
    }

    try {
      let lastFailure: ProviderFailure | undefined;
      for (let index = 0; index < order.length; index++) {
        const provider = order[index]!;
        const tooBig = exceededLimit(message, provider.limits);
        if (tooBig) {
          emitter.emit('skip', { id: message.id, provider: provider.id, reason: 'limits', detail: tooBig });
          continue;
        }
        const tried = await tryProvider(provider);
        if (tried && 'providerMessageId' in tried) {
          emitter.emit('sent', tried);
          return tried;
        }
        if (!tried) continue;
        lastFailure = tried;
        const next = order[index + 1];
        emitter.emit('failover', {
          id: message.id,
          from: provider.id,
          ...(next ? { to: next.id } : {}),
          code: tried.code,
        });
      }
      if (!lastFailure)
        throw new Stop('no_provider', 'no provider could take this message (limits or open circuits)');
      throw new Stop(
        lastFailure.code,
        `every provider failed; last: ${attempts.at(-1)?.provider}: ${lastFailure.message}`,
      );
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      const possiblyDelivered = attempts.some((attempt) => attempt.outcome === 'unknown');
      emitter.emit('failed', {
        id: message.id,
        messageId: message.messageId,
        code: error.code,
        attempts,
        message: error.text,
      });
      throw new SendError(
        error.text,
        error.code,
        attempts,
        message.id,
        message.messageId,
        possiblyDelivered,
        suppressed ? [...suppressed.values()] : [],
      );
    } finally {
      stop.dispose();
    }
  };
}

import { MailoverError, SendError, ValidationError } from '../errors.js';
import { DEFAULT_FAILURE_ACTIONS, type FailureCode, type ProviderFailure } from '../failures.js';
import { type NormalizeOptions, normalizeMessage } from '../message/normalize.js';
import type { MessageInput, NormalizedMessage } from '../message/types.js';
import type { Provider } from '../provider.js';
import { systemClock } from '../time.js';
import { backoffDelay } from './backoff.js';
import { CircuitBreaker } from './breaker.js';
import { MailerEmitter, type MailerEventName, type MailerListener } from './events.js';
import { exceededLimit } from './limits.js';
import { TokenBucket } from './rate-limiter.js';
import { orderProviders } from './strategy.js';
import type { MailerOptions, SendAttempt, SendManyOptions, SendOptions, SendResult } from './types.js';

/** One entry of `sendMany`'s answer, in the order of the input. */
export type SendManyOutcome =
  | { readonly status: 'sent'; readonly result: SendResult }
  | { readonly status: 'failed'; readonly error: MailoverError };

export interface Mailer {
  /** Validate, then send through the first provider that accepts. Rejects with ValidationError or SendError. */
  send(message: MessageInput, options?: SendOptions): Promise<SendResult>;
  /** Send many, `concurrency` at a time. Never rejects for one message: each gets a result or an error. */
  sendMany(messages: Iterable<MessageInput>, options?: SendManyOptions): Promise<SendManyOutcome[]>;
  /** Subscribe to an engine event; returns the unsubscribe function. */
  on<Name extends MailerEventName>(name: Name, listener: MailerListener<Name>): () => void;
  /** The providers, in configured priority order. */
  readonly providers: readonly Provider[];
}

/** Why the engine aborted an in-flight call. */
class StopReason {
  constructor(readonly code: 'deadline_exceeded' | 'aborted') {}
}

/** Build a mailer. Providers are tried in the order given (see `strategy`). */
export function createMailer(options: MailerOptions & NormalizeOptions): Mailer {
  if (options.providers.length === 0) throw new MailoverError('createMailer: give at least one provider');
  const ids = new Set<string>();
  for (const provider of options.providers) {
    if (ids.has(provider.id)) throw new MailoverError(`createMailer: two providers share the id '${provider.id}'`);
    ids.add(provider.id);
  }
  const clock = options.clock ?? systemClock;
  const strategy = options.strategy ?? 'priority';
  const retry = {
    retries: options.retry?.retries ?? 2,
    minDelayMs: options.retry?.minDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 5_000,
    factor: options.retry?.factor ?? 2,
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 30_000,
  };
  const actions = { ...DEFAULT_FAILURE_ACTIONS, ...options.actions };
  const onAmbiguous = options.onAmbiguous ?? 'failover';
  const emitter = new MailerEmitter();
  const strategyState = { roundRobin: 0 };
  const byId = new Map(options.providers.map((provider) => [provider.id, provider]));

  const breakers = new Map<string, CircuitBreaker>();
  if (options.breaker !== false) {
    for (const provider of options.providers) {
      breakers.set(
        provider.id,
        new CircuitBreaker(options.breaker?.failureThreshold ?? 3, options.breaker?.cooldownMs ?? 30_000, clock, {
          open: (code, until) => emitter.emit('circuit-open', { provider: provider.id, code, until }),
          close: () => emitter.emit('circuit-close', { provider: provider.id }),
        }),
      );
    }
  }
  const buckets = new Map<string, TokenBucket>();
  for (const [id, limit] of Object.entries(options.rateLimits ?? {})) {
    if (!byId.has(id)) throw new MailoverError(`createMailer: rateLimits names unknown provider '${id}'`);
    buckets.set(id, new TokenBucket(limit.perSecond, limit.burst ?? Math.max(1, limit.perSecond), clock));
  }

  function providersFor(sendOptions: SendOptions): Provider[] {
    if (!sendOptions.providers) return orderProviders(options.providers, strategy, strategyState, clock.random);
    return sendOptions.providers.map((id) => {
      const provider = byId.get(id);
      if (!provider) throw new MailoverError(`send: unknown provider '${id}' (known: ${[...byId.keys()].join(', ')})`);
      return provider;
    });
  }

  async function send(input: MessageInput, sendOptions: SendOptions = {}): Promise<SendResult> {
    let message: NormalizedMessage;
    try {
      message = normalizeMessage(input, options);
    } catch (error) {
      if (ValidationError.isInstance(error)) {
        emitter.emit('failed', { id: '', messageId: '', code: error.code, attempts: [], message: error.message });
      }
      throw error;
    }
    return deliver(message, sendOptions);
  }

  async function deliver(message: NormalizedMessage, sendOptions: SendOptions): Promise<SendResult> {
    const startedAt = clock.now();
    const deadlineAt =
      sendOptions.deadline === undefined
        ? Number.POSITIVE_INFINITY
        : sendOptions.deadline instanceof Date
          ? sendOptions.deadline.getTime()
          : startedAt + sendOptions.deadline;
    const controller = new AbortController();
    const stopTimer = new AbortController();
    const onCallerAbort = () => controller.abort(new StopReason('aborted'));
    if (sendOptions.signal?.aborted) onCallerAbort();
    sendOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (Number.isFinite(deadlineAt)) {
      clock.sleep(Math.max(0, deadlineAt - startedAt), stopTimer.signal).then(
        () => controller.abort(new StopReason('deadline_exceeded')),
        () => {},
      );
    }
    const attempts: SendAttempt[] = [];
    const fail = (code: SendError['code'], text: string): never => {
      const possiblyDelivered = attempts.some((attempt) => attempt.outcome === 'unknown');
      emitter.emit('failed', { id: message.id, messageId: message.messageId, code, attempts, message: text });
      throw new SendError(text, code, attempts, message.id, message.messageId, possiblyDelivered);
    };
    const stopped = () => (controller.signal.reason as StopReason).code;

    try {
      const order = providersFor(sendOptions);
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
          if (controller.signal.aborted) fail(stopped(), describeStop(stopped()));
          if (breaker && !breaker.tryAcquire()) {
            emitter.emit('skip', {
              id: message.id,
              provider: provider.id,
              reason: 'circuit-open',
              detail: `circuit open after earlier failures`,
            });
            break;
          }
          try {
            await buckets.get(provider.id)?.acquire(controller.signal);
          } catch {
            fail(stopped(), describeStop(stopped()));
          }
          const callStartedAt = clock.now();
          let failure: ProviderFailure;
          try {
            const accepted = await provider.send(message, {
              signal: controller.signal,
              attempt,
              idempotencyKey: message.idempotencyKey ?? message.id,
            });
            const record: SendAttempt = {
              provider: provider.id,
              attempt,
              code: 'ok',
              startedAt: callStartedAt,
              durationMs: clock.now() - callStartedAt,
            };
            attempts.push(record);
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
            failure = controller.signal.aborted
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
          if (controller.signal.aborted) fail(stopped(), describeStop(stopped()));
          breaker?.onFailure(failure.code);

          const action = actions[failure.code];
          if (action === 'stop') fail(failure.code, `${provider.id}: ${failure.message}`);
          if (failure.outcome === 'unknown' && onAmbiguous === 'stop') {
            fail(failure.code, `${provider.id}: ${failure.message} (the provider may have accepted it; not retried)`);
          }
          const maxRetries = action === 'retry' ? retry.retries : action === 'retry_once' ? 1 : 0;
          if (attempt > maxRetries) break;
          const honoured = failure.retryAfterMs !== undefined && failure.retryAfterMs <= retry.maxRetryAfterMs;
          if (failure.retryAfterMs !== undefined && !honoured) break; // a long wait: fail over instead
          const delayMs = honoured ? failure.retryAfterMs! : backoffDelay(attempt, retry, clock.random);
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
            await clock.sleep(delayMs, controller.signal);
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
      if (!lastFailure) return fail('no_provider', 'no provider could take this message (limits or open circuits)');
      return fail(lastFailure.code, `every provider failed; last: ${attempts.at(-1)?.provider}: ${lastFailure.message}`);
    } finally {
      stopTimer.abort();
      sendOptions.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async function sendMany(
    messages: Iterable<MessageInput>,
    manyOptions: SendManyOptions = {},
  ): Promise<SendManyOutcome[]> {
    const inputs = [...messages];
    const outcomes: SendManyOutcome[] = new Array(inputs.length);
    const concurrency = Math.max(1, Math.floor(manyOptions.concurrency ?? 8));
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const index = next++;
        try {
          outcomes[index] = { status: 'sent', result: await send(inputs[index]!, manyOptions) };
        } catch (error) {
          outcomes[index] = { status: 'failed', error: asMailoverError(error) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
    return outcomes;
  }

  return {
    send,
    sendMany,
    on: (name, listener) => emitter.on(name, listener),
    providers: options.providers,
  };
}

function classify(provider: Provider, error: unknown): ProviderFailure {
  try {
    return provider.classifyError(error);
  } catch {
    return { code: 'unknown', outcome: 'unknown', message: `${provider.id}: classifyError threw` };
  }
}

function describeStop(code: 'deadline_exceeded' | 'aborted'): string {
  return code === 'aborted' ? 'the send was aborted by the caller' : 'the send deadline passed';
}

function asMailoverError(error: unknown): MailoverError {
  if (MailoverError.isInstance(error)) return error;
  return new MailoverError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
}

export type { FailureCode };

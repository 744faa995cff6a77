import type { GreylistPolicy } from '../greylisting/detector.js';
import type { NormalizeOptions } from '../message/normalize.js';
import type { MessageInput } from '../message/types.js';
import type { Provider } from '../provider.js';
import { memoryStore } from '../store/memory-store.js';
import { type Scheduler, timerScheduler } from '../store/scheduler.js';
import type { Store } from '../store/store.js';
import { createSuppressions, type Suppressions } from '../suppression/api.js';
import { systemClock } from '../time.js';
import type { WebhookEndpoint } from '../webhooks/handler.js';
import type { MailoverError } from '../errors.js';
import type { Queue, QueueStats } from '../queue/queue.js';
import type { EnqueueTracer } from '../queue/trace-carrier.js';
import type { SuppressionTarget } from '../suppression/sync.js';
import type { MailerBase } from './base.js';
import { circuitBreakers } from './breaker.js';
import { createDeliver } from './deliver.js';
import { createDispatch } from './dispatch.js';
import { MailerEmitter, type MailerEventName, type MailerListener } from './events.js';
import { createIngest } from './ingest.js';
import { resolveMailerOptions } from './options.js';
import { wireQueue } from './queue-wiring.js';
import type { EnqueueOptions, EnqueueResult, WorkerOptions } from './queue-runner.js';
import type { Status } from './queue-status.js';
import { rateLimitBuckets } from './rate-limiter.js';
import { createRouting, greylistGuard } from './routing.js';
import { createSend, sendMany } from './send.js';
import { wireSuppression } from './suppression-wiring.js';
import { Tracker } from './tracking.js';
import type { MailerOptions, SendManyOptions, SendOptions, SendResult } from './types.js';
import { webhookEndpoint } from './webhook-endpoint.js';

/** One entry of `sendMany`'s answer, in the order of the input. */
export type SendManyOutcome =
  | { readonly status: 'sent'; readonly result: SendResult }
  | { readonly status: 'failed'; readonly error: MailoverError };

export interface CreateMailerOptions extends MailerOptions, NormalizeOptions {
  /** Where message records, delivery history and claims live. Default: an in-memory store (one process). */
  readonly store?: Store;
  /** Runs delayed work (greylisting failovers, re-checks). Default: in-process timers. */
  readonly scheduler?: Scheduler;
  /** The greylisting-loop policy; `false` turns detection off. Active only with an `ip: 'fixed'` provider. */
  readonly greylisting?: GreylistPolicy | false;
  /** How long message records and history are kept, ms. Default 3 days (SendGrid retries for 72 h). */
  readonly retentionMs?: number;
  /** Largest webhook body accepted, bytes. Default 5 MiB. */
  readonly maxWebhookBytes?: number;
  /** Where `enqueue()` keeps messages (docs/queue.md). Default: in memory, one process, not durable. */
  readonly queue?: Queue;
  /** Work the queue on this instance (`false`: enqueue only, as an API process). Default: on, 4 at a time. */
  readonly worker?: boolean | WorkerOptions;
  /**
   * How long an idempotency claim outlives an instance that died mid-send, ms: until then, sends
   * of the same key wait for it (docs/idempotency.md). Renewed every third of it while a send runs.
   * Default 120 000.
   */
  readonly idempotencyLeaseMs?: number;
  /**
   * The suppression list (docs/suppression.md): learned from webhooks, checked before every
   * provider call. `false` turns both off. Default: on, soft bounces suppress for 3 days.
   */
  readonly suppression?: SuppressionOptions | false;
}

export interface SuppressionOptions {
  /** How long a learned soft bounce (mailbox full, a DNS failure) suppresses, ms. Default 3 days. */
  readonly softBounceMs?: number;
  /**
   * Push each entry learned from a webhook to these providers' own lists as it is learned, never
   * delaying the webhook or any send (docs/suppression.md, "Pushing to the providers"). Default: none.
   */
  readonly pushOnLearn?: readonly SuppressionTarget[];
}

export interface Mailer {
  /** Validate, then send through the first provider that accepts. Rejects with ValidationError or SendError. */
  send(message: MessageInput, options?: SendOptions): Promise<SendResult>;
  /** Send many, `concurrency` at a time. Never rejects for one message: each gets a result or an error. */
  sendMany(messages: Iterable<MessageInput>, options?: SendManyOptions): Promise<SendManyOutcome[]>;
  /**
   * Validate, store durably (where the queue is), and resolve before any provider is called; a
   * worker sends it later with the same engine, retrying for hours through outages (docs/queue.md).
   */
  enqueue(message: MessageInput, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Cancel a queued message whose send has not started. Resolves false when too late or unknown. */
  cancel(id: string): Promise<boolean>;
  /**
   * Capture the trace context at every `enqueue()`, to store with the job (`@mailover/otel` does;
   * docs/observability.md, "Queued sends"). Returns the function that removes it.
   */
  traceEnqueues(tracer: EnqueueTracer): () => void;
  /** The queue's depth by state and its oldest due job; undefined when the backend cannot count. */
  queueStats(): Promise<(QueueStats & { readonly queue: string; readonly durable: boolean }) | undefined>;
  /**
   * `state: 'sent'` with per-recipient state and history once a provider accepted the message;
   * before that, a queued message's state (queued, scheduled, sending, dead, cancelled); undefined
   * for an unknown id.
   */
  status(id: string): Promise<Status | undefined>;
  /** Webhook endpoints: verify, parse, correlate and store provider delivery events. */
  readonly webhooks: WebhookEndpoint;
  /** Subscribe to an engine event; returns the unsubscribe function. */
  on<Name extends MailerEventName>(name: Name, listener: MailerListener<Name>): () => void;
  /** Resolves when no scheduled job (such as a greylisting failover) is running or due now. */
  idle(): Promise<void>;
  /** Finish running jobs, then release the store and scheduler. */
  close(): Promise<void>;
  /** The providers, in configured priority order. */
  readonly providers: readonly Provider[];
  /** The suppression list: has/add/remove/list, import/export, sync with a provider. */
  readonly suppressions: Suppressions;
}

/**
 * Build a mailer. Providers are tried in the order given (see `strategy`). Each part is built by
 * its own module from the same base (docs/architecture.md, "Inside createMailer").
 */
export function createMailer(options: CreateMailerOptions): Mailer {
  const resolved = resolveMailerOptions(options);
  const clock = options.clock ?? systemClock;
  const base: MailerBase = {
    options,
    resolved,
    clock,
    emitter: new MailerEmitter(),
    store: options.store ?? memoryStore({ clock }),
    scheduler: options.scheduler ?? timerScheduler(clock),
  };
  const { store, scheduler, emitter } = base;
  const suppression = wireSuppression(base);
  const deliver = createDeliver({
    clock,
    emitter,
    // A store the user passed may be shared (Redis): open circuits are shared through it.
    breakers: circuitBreakers(options.providers, resolved.breaker, clock, emitter, options.store),
    buckets: rateLimitBuckets(resolved.rateLimits, store, clock),
    actions: resolved.actions,
    onAmbiguous: resolved.onAmbiguous,
    strategy: typeof resolved.strategy === 'string' ? resolved.strategy : resolved.strategy.type,
    retry: resolved.retry,
    screen: suppression.screen,
  });
  const tracker = new Tracker(store, clock, resolved.retentionMs);
  const guard = greylistGuard(base, tracker, deliver);
  const orderFor = createRouting(base, guard);
  const { retentionMs } = resolved;
  const ingest = createIngest({ store, tracker, emitter, guard, retentionMs, learn: suppression.learn });
  const dispatch = createDispatch(base, { orderFor, deliver, tracker, guard, ingest });
  const { idempotency, queue, runner, tracers, enqueue } = wireQueue(base, dispatch);
  const send = createSend({ options, clock, emitter, idempotency, dispatch });

  return {
    send,
    sendMany: (messages, manyOptions) => sendMany(send, messages, manyOptions),
    enqueue,
    cancel: (id) => runner.cancel(id),
    traceEnqueues: (tracer) => tracers.add(tracer),
    queueStats: () => runner.stats(),
    async status(id) {
      const sent = await tracker.status(id);
      return sent ? { ...sent, state: 'sent' } : runner.status(id);
    },
    webhooks: webhookEndpoint(base, ingest),
    on: (name, listener) => emitter.on(name, listener),
    idle: async () => {
      await Promise.all([scheduler.idle(), queue.idle()]);
    },
    async close() {
      await queue.close();
      await scheduler.close();
      await store.close?.();
    },
    providers: options.providers,
    suppressions: createSuppressions(suppression.list, store),
  };
}

import { lazy } from '../adapter-kit.js';
import { MailoverError, ValidationError } from '../errors.js';
import { numberOption } from '../config/check.js';
import type { GreylistPolicy } from '../greylisting/detector.js';
import { GreylistGuard, type RouteReason } from '../greylisting/guard.js';
import { MxHosts } from '../greylisting/mx-hosts.js';
import type { NormalizeOptions, normalizeMessage } from '../message/normalize.js';
import { allRecipients, type MessageInput, type NormalizedMessage } from '../message/types.js';
import type { Provider } from '../provider.js';
import { memoryStore } from '../store/memory-store.js';
import { type Scheduler, timerScheduler } from '../store/scheduler.js';
import { suppressionScope } from '../suppression/address.js';
import { createSuppressions, type Suppressions } from '../suppression/api.js';
import { learnFrom } from '../suppression/learn.js';
import { SuppressionList } from '../suppression/list.js';
import type { SuppressionTarget } from '../suppression/sync.js';
import { createScreen } from '../suppression/screen.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { systemClock } from '../time.js';
import { createWebhookEndpoint, type WebhookEndpoint } from '../webhooks/handler.js';
import { memoryQueue } from '../queue/memory-queue.js';
import type { Queue, QueueStats } from '../queue/queue.js';
import { type EnqueueTracer, EnqueueTracers } from '../queue/trace-carrier.js';
import {
  createQueueRunner,
  type EnqueueOptions,
  type EnqueueResult,
  type WorkerOptions,
} from './queue-runner.js';
import type { Status } from './queue-status.js';
import { CircuitBreaker, type SharedCircuit } from './breaker.js';
import { createDeliver } from './deliver.js';
import { deadlineOf, IDEMPOTENCY_LEASE_MS, Idempotency, withIdempotencyKey } from './idempotency.js';
import { createIngest } from './ingest.js';
import { rejectionEvents } from './rejected.js';
import { resolveMailerOptions } from './options.js';
import { MailerEmitter, type MailerEventName, type MailerEvents, type MailerListener } from './events.js';
import { type RateLimiter, SharedTokenBucket, TokenBucket } from './rate-limiter.js';
import { orderProviders } from './strategy.js';
import { type HistoryEntry, Tracker } from './tracking.js';
import type { MailerOptions, SendManyOptions, SendOptions, SendResult } from './types.js';

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
 * The validator (and zod with it) loads on the first send, not when `@mailover/core` is imported:
 * a cold start that never sends, or sends later, does not pay for it up front.
 */
const loadNormalizer = lazy(() => import('../message/normalize.js'));
let normalize: typeof normalizeMessage | undefined;

/** Build a mailer. Providers are tried in the order given (see `strategy`). */

export function createMailer(options: CreateMailerOptions): Mailer {
  const resolved = resolveMailerOptions(options);
  const { providers: byId, retentionMs } = resolved;
  const clock = options.clock ?? systemClock;
  const emitter = new MailerEmitter();
  const store = options.store ?? memoryStore({ clock });
  const scheduler = options.scheduler ?? timerScheduler(clock);
  const strategyState = { roundRobin: 0 };
  const suppressionOn = options.suppression !== false;
  const suppressionList = new SuppressionList(store, clock, {
    softBounceMs: numberOption(
      'createMailer',
      'suppression.softBounceMs',
      options.suppression ? options.suppression.softBounceMs : undefined,
      3 * 24 * 3600 * 1000,
      { min: 0 },
    ),
    ...(options.suppression && options.suppression.pushOnLearn !== undefined
      ? { pushOnLearn: options.suppression.pushOnLearn }
      : {}),
  });

  const breakers = new Map<string, CircuitBreaker>();
  if (resolved.breaker !== false) {
    const { failureThreshold, cooldownMs } = resolved.breaker;
    for (const provider of options.providers) {
      breakers.set(
        provider.id,
        new CircuitBreaker(
          failureThreshold,
          cooldownMs,
          clock,
          {
            open: (code, until) => emitter.emit('circuit-open', { provider: provider.id, code, until }),
            close: () => emitter.emit('circuit-close', { provider: provider.id }),
          },
          options.store ? sharedCircuit(options.store, provider.id, clock) : undefined,
        ),
      );
    }
  }
  const buckets = new Map<string, RateLimiter>();
  const reserve = store.reserveToken?.bind(store);
  for (const [id, { perSecond, burst }] of resolved.rateLimits) {
    buckets.set(
      id,
      reserve
        ? new SharedTokenBucket(storeKeys.rateLimit(id), perSecond, burst, reserve, clock)
        : new TokenBucket(perSecond, burst, clock),
    );
  }

  const deliver = createDeliver({
    clock,
    emitter,
    breakers,
    buckets,
    actions: resolved.actions,
    onAmbiguous: resolved.onAmbiguous,
    strategy: typeof resolved.strategy === 'string' ? resolved.strategy : resolved.strategy.type,
    retry: resolved.retry,
    screen: suppressionOn ? createScreen(store, clock) : undefined,
  });

  const tracker = new Tracker(store, clock, retentionMs);
  const idempotency = new Idempotency({
    store,
    clock,
    retentionMs,
    leaseMs: numberOption(
      'createMailer',
      'idempotencyLeaseMs',
      options.idempotencyLeaseMs,
      IDEMPOTENCY_LEASE_MS,
      {
        min: 1,
        unit: 'ms',
      },
    ),
  });
  // The queue (docs/queue.md): jobs are sent by `dispatch`, below, as send() does.
  const queue = options.queue ?? memoryQueue(clock);
  const worker = options.worker ?? true;
  const enqueueTracers = new EnqueueTracers();
  const runner = createQueueRunner(
    {
      queue,
      store,
      clock,
      emitter,
      idempotency,
      retentionMs,
      onAmbiguous: resolved.onAmbiguous,
      dispatch,
      tracers: enqueueTracers,
    },
    worker === true ? {} : worker,
  );
  const fixed = options.providers.filter((provider) => provider.ip === 'fixed');
  const guard =
    resolved.greylisting === false || fixed.length === 0
      ? undefined
      : new GreylistGuard({
          store,
          scheduler,
          records: tracker,
          resend: (message, providers, recipients) => deliver(message, providers, {}, recipients),
          emit: (name, event) => emitter.emit(name, event as MailerEvents[typeof name]),
          clock,
          policy: resolved.greylisting,
          providers: byId,
          fixed,
          retentionMs,
          ...(resolved.greylisting.mx
            ? {
                mxHosts: new MxHosts(
                  clock,
                  resolved.greylisting.mx.timeoutMs,
                  resolved.greylisting.mx.resolver,
                  resolved.greylisting.mx.lookup,
                ),
              }
            : {}),
        });

  /** The providers to try, in order; a promise only when greylisting's domain memory is asked. */
  function orderFor(
    message: NormalizedMessage,
    sendOptions: SendOptions,
    /** Filled with why the fixed-IP provider went first, when memory routed the message. */
    route: { reason?: RouteReason },
  ): readonly Provider[] | Promise<readonly Provider[]> {
    if (sendOptions.providers) {
      return sendOptions.providers.map((id) => {
        const provider = byId.get(id);
        if (!provider)
          throw new MailoverError(`send: unknown provider '${id}' (known: ${[...byId.keys()].join(', ')})`);
        return provider;
      });
    }
    const order = orderProviders(options.providers, resolved.strategy, strategyState, () => clock.random());
    if (!guard) return order;
    return guard
      .route(
        allRecipients(message).map((address) => address.address),
        order,
      )
      .then((routed) => {
        if (routed.reason) {
          const { domain, rule, mxHost, learnedFrom } = routed.reason;
          emitter.emit('domain-route', {
            id: message.id,
            domain,
            provider: routed.order[0]!.id,
            rule,
            ...(mxHost ? { mxHost } : {}),
            ...(learnedFrom ? { learnedFrom } : {}),
          });
          route.reason = routed.reason;
        }
        return routed.order;
      });
  }

  async function send(input: MessageInput, sendOptions: SendOptions = {}): Promise<SendResult> {
    let message: NormalizedMessage;
    // Awaited once, on the first send; later sends call it straight away.
    if (!normalize) normalize = (await loadNormalizer()).normalizeMessage;
    try {
      message = normalize(input, options);
    } catch (error) {
      if (ValidationError.isInstance(error)) {
        emitter.emit('failed', {
          id: '',
          messageId: '',
          code: error.code,
          attempts: [],
          message: error.message,
        });
      }
      throw error;
    }
    if (sendOptions.stream !== undefined || sendOptions.ignoreSuppressions === true) {
      message = { ...message, suppression: suppressionOf(sendOptions) };
    }
    // Idempotent send (docs/idempotency.md): one provider call per key, whoever asks.
    if (message.idempotencyKey !== undefined) {
      return idempotency.run(message, deadlineOf(sendOptions, clock.now()), () =>
        dispatch(message, sendOptions),
      );
    }
    return dispatch(message, sendOptions);
  }

  /** Order the providers, deliver, record the acceptance. */
  async function dispatch(message: NormalizedMessage, sendOptions: SendOptions): Promise<SendResult> {
    const route: { reason?: RouteReason } = {};
    const ordered = orderFor(message, sendOptions, route);
    const order = Array.isArray(ordered) ? ordered : await ordered;
    const result = await deliver(message, order, sendOptions);
    const accepting = byId.get(result.provider);
    // Keep the content only where a greylisting failover may need to re-send it.
    const keepContent = guard !== undefined && accepting?.ip === 'rotating';
    try {
      const recorded = tracker.recordAccepted(
        result.suppressed ? withoutSuppressed(message, result.suppressed) : message,
        result.provider,
        result.providerMessageId,
        keepContent,
        accepting?.eventsCarryMailoverId !== true,
      );
      if (recorded) await recorded;
      if (route.reason)
        await tracker.appendHistory(message.id, routedLine(route.reason, result.provider, clock.now()));
      // Recipients the provider refused while it took the others, recorded as its events would be.
      if (result.rejected) await ingest(rejectionEvents(result, clock.now()));
    } catch (error) {
      // The provider accepted the message: a store outage must not turn that into a failure.
      process.emitWarning(`mailover: accepted ${message.id} but could not record it: ${String(error)}`);
    }
    return result;
  }

  async function sendMany(messages: Iterable<MessageInput>, manyOptions: SendManyOptions = {}) {
    const inputs = [...messages];
    const outcomes: SendManyOutcome[] = new Array(inputs.length);
    // NaN here once meant "send nothing, report nothing".
    const concurrency = numberOption('sendMany', 'concurrency', manyOptions.concurrency, 8, {
      integer: true,
      min: 1,
    });
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

  const ingest = createIngest({
    store,
    tracker,
    emitter,
    guard,
    retentionMs,
    learn: suppressionOn
      ? (event, recipient, stream) => learnFrom(suppressionList, event, recipient, stream)
      : undefined,
  });
  const webhooks = createWebhookEndpoint({
    providers: byId,
    maxBodyBytes: resolved.maxWebhookBytes,
    observe: (report) => emitter.emit('webhook', report),
    now: () => clock.now(),
    claimOnce: (key, ttlMs) => store.claim(storeKeys.replayToken(key), '1', ttlMs),
    releaseOnce: (key) => store.delete(storeKeys.replayToken(key)),
    ingest,
  });

  async function enqueue(input: MessageInput, enqueueOptions: EnqueueOptions = {}): Promise<EnqueueResult> {
    if (!normalize) normalize = (await loadNormalizer()).normalizeMessage;
    return runner.enqueue(
      normalize(withIdempotencyKey(input, enqueueOptions.idempotencyKey), options),
      enqueueOptions,
    );
  }

  return {
    send,
    sendMany,
    enqueue,
    cancel: (id) => runner.cancel(id),
    traceEnqueues: (tracer) => enqueueTracers.add(tracer),
    queueStats: () => runner.stats(),
    async status(id) {
      const sent = await tracker.status(id);
      return sent ? { ...sent, state: 'sent' } : runner.status(id);
    },
    webhooks,
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
    suppressions: createSuppressions(suppressionList, store),
  };
}

/** The message as sent: the recipients left out are not its recipients in the record (nor in `status`). */
function withoutSuppressed(
  message: NormalizedMessage,
  suppressed: NonNullable<SendResult['suppressed']>,
): NormalizedMessage {
  const left = new Set(suppressed.map((entry) => entry.address));
  const keep = (list: NormalizedMessage['to']) => list.filter((entry) => !left.has(entry.address));
  return { ...message, to: keep(message.to), cc: keep(message.cc), bcc: keep(message.bcc) };
}

/** The send's suppression options, checked: they travel with the message to any re-send. */
function suppressionOf(sendOptions: SendOptions): NonNullable<NormalizedMessage['suppression']> {
  const { stream, ignoreSuppressions } = sendOptions;
  return {
    ...(stream === undefined ? {} : { stream: suppressionScope(stream, 'stream') }),
    ...(ignoreSuppressions === true ? { override: true } : {}),
  };
}

/** Share open circuits through a store the user passed (a shared one, such as Redis). */
function sharedCircuit(store: Store, provider: string, clock: { now(): number }): SharedCircuit {
  const key = storeKeys.breaker(provider);
  return {
    async openUntil() {
      const value = await store.get(key);
      return value === undefined ? undefined : Number(value);
    },
    open: (until) => store.set(key, String(until), Math.max(1, until - clock.now())),
    close: () => store.delete(key),
  };
}

function asMailoverError(error: unknown): MailoverError {
  if (MailoverError.isInstance(error)) return error;
  return new MailoverError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
}

/** The history line of a message that memory routed to the fixed-IP provider first. */
function routedLine(reason: RouteReason, provider: string, time: number): HistoryEntry {
  const why =
    reason.rule === 'mx'
      ? `${reason.domain}'s MX ${reason.mxHost} greylisted ${reason.learnedFrom ?? 'another domain'} before`
      : `${reason.domain} greylisted before`;
  return { time, type: 'routed', provider, detail: `${why}: fixed-IP provider first (rule: ${reason.rule})` };
}

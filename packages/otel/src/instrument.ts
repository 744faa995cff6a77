import { ConfigurationError, type EnqueueTracer, type Mailer, type MailerEvents } from '@mailover/core';
import {
  type Attributes,
  type BatchObservableResult,
  type Context,
  type Link,
  context,
  type MeterProvider,
  metrics,
  type ObservableResult,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { createInstruments } from './metrics.js';
import { ATTRIBUTE as A, INSTRUMENTATION_SCOPE, METRIC, SPAN, SPAN_EVENT } from './names.js';
import { BoundedMap, domainOf, domainsOf } from './redact.js';
import { cache2, type Series, Tally } from './tallies.js';
import { carrierOf, spanContextFrom } from './trace-context.js';

export interface InstrumentOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
  /**
   * Put full recipient addresses on spans (`mailover.recipient.addresses`). Default false: recipient
   * domains only. Metrics never carry addresses or ids, whatever this says.
   */
  readonly recordAddresses?: boolean;
  /**
   * The clock given to `createMailer` (a `VirtualClock` in tests): span and metric times are read
   * from it, as the engine's own are. Default: the system clock.
   */
  readonly clock?: { now(): number };
  /**
   * How many messages' send spans are remembered in this process, so that a later greylisting loop
   * or re-send links to the message's trace. Default 10 000.
   */
  readonly maxTrackedMessages?: number;
}

/** Stops the instrumentation: unsubscribes from the mailer and ends nothing further. */
export type Uninstrument = () => void;

/** A job a worker started here, whose `sending` event follows: what its send span links to. */
interface StartedJob {
  readonly link?: SpanContext;
  readonly waitedMs?: number;
  readonly attempt: number;
}

interface OpenSend {
  readonly span: Span;
  readonly startedAt: number;
  readonly strategy: string;
}

/**
 * Turn a mailer's events into OpenTelemetry spans and metrics (names: docs/observability.md). Only
 * listeners are added: a mailer nobody instruments builds no span, and `@mailover/core` never loads
 * `@opentelemetry/api`.
 */
export function instrument(mailer: Mailer, options: InstrumentOptions = {}): Uninstrument {
  const maxTracked = options.maxTrackedMessages ?? 10_000;
  if (!Number.isInteger(maxTracked) || maxTracked < 1) {
    throw new ConfigurationError(
      `instrument: maxTrackedMessages must be a whole number of at least 1 (got ${String(options.maxTrackedMessages)}); leave it out for 10 000`,
    );
  }
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE);
  const m = createInstruments(meter);
  const clock = options.clock ?? { now: () => Date.now() };
  const recordAddresses = options.recordAddresses === true;

  const providers = new Map(mailer.providers.map((provider) => [provider.id, provider]));
  /** A provider id as a metric attribute: only configured ids, so a URL cannot add series. */
  const known = (id: string) => (providers.has(id) ? id : '_unknown');
  const open = new BoundedMap<string, OpenSend>(maxTracked);
  /** Send spans already ended, for links from greylisting spans and re-sends. */
  const finished = new BoundedMap<string, SpanContext>(maxTracked);
  /** Greylisting-loop spans whose re-send has not started yet: its parent. */
  const loops = new BoundedMap<string, Context>(maxTracked);
  const routedBy = new BoundedMap<string, MailerEvents['domain-route']>(maxTracked);
  /** Jobs whose run began (`job` state `sending`) and whose send span has not started yet. */
  const startedJobs = new BoundedMap<string, StartedJob>(maxTracked);
  /** Whether this process saw the queue used: a mailer that never enqueues reports no queue gauges. */
  let queueUsed = false;
  const circuitOpen = new Map<string, boolean>(mailer.providers.map((provider) => [provider.id, false]));
  /** Circuit events carry no message: they follow the attempt that caused them, synchronously. */
  let lastAttemptId: string | undefined;
  let lastAttemptProvider: string | undefined;
  let pendingLoop: Span | undefined;

  /** Greylisting (and so a later loop or re-send to link) happens only with a fixed-IP provider. */
  const linksNeeded = mailer.providers.some((provider) => provider.ip === 'fixed');
  const sendSpan = (id: string) => open.get(id)?.span;
  // The attribute sets every send records, made once each (and the two per-send counters kept on
  // them: tallies.ts): no attribute object and no SDK hashing per message for those. Bounded:
  // configured provider ids × failure codes × outcomes × strategies.
  const sends = Tally.acquire(meter, METRIC.sends, m.sends);
  const providerCalls = Tally.acquire(meter, METRIC.providerCalls, m.providerCalls);
  const callSeries = cache2(
    (provider, code): Series =>
      providerCalls.series({
        [A.providerId]: known(provider),
        [A.providerKind]: providers.get(provider)?.kind ?? '_unknown',
        [A.code]: code,
      }),
  );
  const sentSeries = cache2(
    (provider, strategy): Series =>
      sends.series({ [A.outcome]: 'sent', [A.providerId]: known(provider), [A.strategy]: strategy }),
  );
  const failedSeries = cache2(
    (code, strategy): Series =>
      sends.series({ [A.outcome]: 'failed', [A.code]: code, [A.strategy]: strategy }),
  );
  const attemptsAttributes = cache2(
    (outcome, strategy): Attributes => ({ [A.outcome]: outcome, [A.strategy]: strategy }),
  );
  const seconds = (ms: number) => ms / 1000;

  const handlers: { [Name in keyof MailerEvents]?: (event: MailerEvents[Name]) => void } = {
    sending(event) {
      const id = event.id;
      const resend = event.strategy === 'greylist-failover';
      // Each lookup only when its map holds anything: a plain send reads none of them.
      const job = !resend && startedJobs.size > 0 ? startedJobs.get(id) : undefined;
      if (job) startedJobs.delete(id);
      const loop = loops.size > 0 ? loops.get(id) : undefined;
      if (loop) loops.delete(id);
      // A queued send starts its own trace, linked to its enqueue, whichever process runs it (the
      // in-memory queue runs it inside the enqueuing request's context: not its parent either).
      const parent = loop ?? (job ? ROOT_CONTEXT : context.active());
      const earlier = resend ? finished.get(id) : undefined;
      const routed = routedBy.size > 0 ? routedBy.get(id) : undefined;
      if (routed) routedBy.delete(id);
      const attributes: Attributes = {
        [A.id]: id,
        [A.messageId]: event.messageId,
        [A.strategy]: event.strategy,
        // The SDK copies arrays it is given: no copy of our own.
        [A.providers]: event.providers as string[],
        [A.recipientDomains]: domainsOf(event.recipients),
        [A.recipientCount]: event.recipients.length,
      };
      if (recordAddresses) attributes[A.recipientAddresses] = [...event.recipients];
      if (routed) {
        attributes[A.routeDomain] = routed.domain;
        attributes[A.routeRule] = routed.rule;
        if (routed.mxHost) attributes[A.routeMxHost] = routed.mxHost;
      }
      let links: Link[] | undefined = earlier ? [{ context: earlier }] : undefined;
      if (job) {
        attributes[A.queueAttempt] = job.attempt;
        if (job.waitedMs !== undefined) attributes[A.queueWait] = seconds(job.waitedMs);
        if (job.link) links = [{ context: job.link, attributes: { [A.linkType]: 'enqueue' } }];
      }
      const span = tracer.startSpan(
        SPAN.send,
        {
          kind: SpanKind.INTERNAL,
          startTime: event.startedAt,
          attributes,
          ...(links ? { links } : {}),
        },
        parent,
      );
      open.set(id, { span, startedAt: event.startedAt, strategy: event.strategy });
    },

    attempt(event) {
      const provider = providers.get(event.provider);
      const failed = event.code !== 'ok';
      const series = callSeries(event.provider, event.code);
      series.count++;
      const attributes = series.attributes;
      m.providerCallDuration.record(seconds(event.durationMs), attributes);
      lastAttemptId = event.id;
      lastAttemptProvider = event.provider;
      const parent = sendSpan(event.id);
      if (!parent) return;
      const spanAttributes: Attributes = {
        [A.providerId]: attributes[A.providerId],
        [A.providerKind]: attributes[A.providerKind],
        [A.code]: event.code,
        [A.providerIp]: provider?.ip ?? '_unknown',
        [A.attempt]: event.attempt,
        [A.outcome]: failed ? (event.outcome ?? 'not_sent') : 'accepted',
      };
      if (failed) spanAttributes[A.errorType] = event.code;
      if (event.status !== undefined) spanAttributes[A.httpStatus] = event.status;
      if (event.providerCode !== undefined) spanAttributes[A.providerCode] = event.providerCode;
      if (event.retryAfterMs !== undefined) spanAttributes[A.retryAfter] = seconds(event.retryAfterMs);
      const call = tracer.startSpan(
        SPAN.providerCall,
        { kind: SpanKind.CLIENT, startTime: event.startedAt, attributes: spanAttributes },
        trace.setSpan(ROOT_CONTEXT, parent),
      );
      if (failed) call.setStatus({ code: SpanStatusCode.ERROR, message: event.message ?? event.code });
      call.end(event.startedAt + event.durationMs);
    },

    retry(event) {
      m.retries.add(1, {
        [A.providerId]: known(event.provider),
        [A.code]: event.code,
        [A.retryReason]: event.reason,
      });
      sendSpan(event.id)?.addEvent(
        SPAN_EVENT.retry,
        {
          [A.providerId]: event.provider,
          [A.attempt]: event.attempt,
          [A.retryDelay]: seconds(event.delayMs),
          [A.retryReason]: event.reason,
          [A.code]: event.code,
        },
        clock.now(),
      );
    },

    failover(event) {
      m.failovers.add(1, {
        [A.failoverFrom]: known(event.from),
        [A.failoverTo]: event.to === undefined ? 'none' : known(event.to),
        [A.code]: event.code,
      });
      sendSpan(event.id)?.addEvent(
        SPAN_EVENT.failover,
        {
          [A.failoverFrom]: event.from,
          ...(event.to === undefined ? {} : { [A.failoverTo]: event.to }),
          [A.code]: event.code,
        },
        clock.now(),
      );
    },

    skip(event) {
      m.skips.add(1, { [A.providerId]: known(event.provider), [A.skipReason]: event.reason });
      sendSpan(event.id)?.addEvent(
        SPAN_EVENT.skip,
        { [A.providerId]: event.provider, [A.skipReason]: event.reason, [A.skipDetail]: event.detail },
        clock.now(),
      );
    },

    'rate-limit-wait'(event) {
      m.rateLimitWait.record(seconds(event.waitedMs), { [A.providerId]: known(event.provider) });
      sendSpan(event.id)?.addEvent(
        SPAN_EVENT.rateLimitWait,
        { [A.providerId]: event.provider, [A.rateLimitWait]: seconds(event.waitedMs) },
        clock.now(),
      );
    },

    'circuit-open'(event) {
      circuitOpen.set(event.provider, true);
      m.circuitOpens.add(1, { [A.providerId]: known(event.provider), [A.code]: event.code });
      const now = clock.now();
      causingSend(event.provider)?.addEvent(
        SPAN_EVENT.circuitOpen,
        {
          [A.providerId]: event.provider,
          [A.code]: event.code,
          [A.circuitOpenFor]: seconds(Math.max(0, event.until - now)),
        },
        now,
      );
    },

    'circuit-close'(event) {
      circuitOpen.set(event.provider, false);
      causingSend(event.provider)?.addEvent(
        SPAN_EVENT.circuitClose,
        { [A.providerId]: event.provider },
        clock.now(),
      );
    },

    sent(event) {
      const last = event.attempts.at(-1);
      const endedAt = last ? last.startedAt + last.durationMs : clock.now();
      const state = endSend(event.id, event.attempts.length, endedAt, 'sent', event.provider);
      state?.span.setAttributes({
        [A.outcome]: 'sent',
        [A.providerId]: event.provider,
        [A.providerMessageId]: event.providerMessageId,
        [A.attempts]: event.attempts.length,
        [A.possibleDuplicate]: event.possibleDuplicate,
      });
      closeSpan(event.id, state, endedAt);
    },

    failed(event) {
      const endedAt = clock.now();
      const state = endSend(event.id, event.attempts.length, endedAt, 'failed', event.code);
      state?.span.setAttributes({
        [A.outcome]: 'failed',
        [A.code]: event.code,
        [A.errorType]: event.code,
        [A.attempts]: event.attempts.length,
      });
      state?.span.setStatus({ code: SpanStatusCode.ERROR, message: event.message });
      closeSpan(event.id, state, endedAt);
    },

    delivery(event) {
      const provider = known(event.provider);
      m.webhookEvents.add(1, { [A.providerId]: provider, [A.eventType]: event.type });
      if (event.type === 'deferred') {
        m.deferrals.add(1, {
          [A.providerId]: provider,
          [A.smtpCategory]: event.smtp?.classification.category ?? 'unknown',
        });
      }
      if (event.type === 'delivered' && event.id) {
        // The acceptance time is in the store, shared by every instance: the webhook may reach
        // another process than the one that sent.
        mailer.status(event.id).then(
          (status) => {
            if (status?.state === 'sent' && event.time >= status.acceptedAt) {
              m.deliveryDelay.record(seconds(event.time - status.acceptedAt), { [A.providerId]: provider });
            }
          },
          () => {},
        );
      }
    },

    webhook(event) {
      const rejected = event.status >= 400;
      m.webhookRequests.add(1, {
        [A.providerId]: known(event.provider),
        [A.verification]: event.verification,
        [A.httpStatus]: event.status,
      });
      const span = tracer.startSpan(
        SPAN.webhook,
        {
          kind: SpanKind.INTERNAL,
          startTime: event.startedAt,
          attributes: {
            [A.providerId]: known(event.provider),
            [A.verification]: event.verification,
            [A.httpStatus]: event.status,
            [A.webhookStored]: event.stored,
            [A.webhookDuplicates]: event.duplicates,
          },
        },
        context.active(),
      );
      if (rejected)
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason ?? `${event.status}` });
      span.end(event.startedAt + event.durationMs);
    },

    'greylist-loop'(event) {
      const provider = event.evidence.at(-1)?.provider ?? '_unknown';
      m.greylistLoops.add(1, { [A.providerId]: known(provider), [A.greylistRule]: event.rule });
      const now = clock.now();
      const earlier = finished.get(event.id);
      const attributes: Attributes = {
        [A.id]: event.id,
        [A.providerId]: provider,
        [A.greylistRule]: event.rule,
        [A.greylistDeferrals]: event.evidence.length,
        [A.greylistDetail]: event.detail,
        [A.recipientDomain]: domainOf(event.recipient),
      };
      if (recordAddresses) attributes[A.recipientAddress] = event.recipient;
      const span = tracer.startSpan(
        SPAN.greylistLoop,
        {
          kind: SpanKind.INTERNAL,
          startTime: now,
          attributes,
          ...(earlier ? { links: [{ context: earlier }] } : {}),
        },
        context.active(),
      );
      loops.set(event.id, trace.setSpan(ROOT_CONTEXT, span));
      // 'domain-learned' follows synchronously when the domain is remembered: it is this span's event.
      pendingLoop = span;
      queueMicrotask(() => {
        if (pendingLoop === span) pendingLoop = undefined;
        span.end(now);
      });
    },

    'domain-learned'(event) {
      m.greylistDomainsLearned.add(1, { [A.providerId]: known(event.provider) });
      const now = clock.now();
      pendingLoop?.addEvent(
        SPAN_EVENT.domainLearned,
        {
          [A.recipientDomain]: event.domain,
          [A.providerId]: event.provider,
          [A.greylistRememberFor]: seconds(Math.max(0, event.until - now)),
          ...(event.mxHosts.length > 0 ? { [A.mxHosts]: [...event.mxHosts] } : {}),
        },
        now,
      );
    },

    'greylist-failover'(event) {
      m.greylistFailovers.add(1, { [A.providerId]: known(event.provider) });
    },

    job(event) {
      queueUsed = true;
      if (event.state !== 'sending') {
        // The run ended (or never sent: a replay): nothing left to link.
        if (event.state !== 'queued') startedJobs.delete(event.id);
        return;
      }
      const now = clock.now();
      const waitedMs = event.dueAt === undefined ? undefined : Math.max(0, now - event.dueAt);
      if (waitedMs !== undefined) m.queueWait.record(seconds(waitedMs));
      const link = spanContextFrom(event.trace);
      startedJobs.set(event.id, {
        attempt: event.attempts,
        ...(link ? { link } : {}),
        ...(waitedMs === undefined ? {} : { waitedMs }),
      });
    },

    'domain-route'(event) {
      m.greylistDomainRoutes.add(1, { [A.providerId]: known(event.provider), [A.routeRule]: event.rule });
      routedBy.set(event.id, event);
    },
  };

  /**
   * A send ended: forget its open state and record its metrics (sends and attempts always, the
   * duration when its start was seen). Returns the open state, whose span the caller completes.
   */
  function endSend(
    id: string,
    attempts: number,
    endedAt: number,
    outcome: 'sent' | 'failed',
    /** The accepting provider (sent) or the failure code (failed). */
    detail: string,
  ): OpenSend | undefined {
    const state = id === '' ? undefined : open.get(id); // '' : refused by validation, never started
    if (state) open.delete(id);
    const strategy = state?.strategy ?? '_unknown';
    const series = outcome === 'sent' ? sentSeries(detail, strategy) : failedSeries(detail, strategy);
    series.count++;
    m.sendAttempts.record(attempts, attemptsAttributes(outcome, strategy));
    if (state) m.sendDuration.record(seconds(endedAt - state.startedAt), series.attributes);
    return state;
  }

  function closeSpan(id: string, state: OpenSend | undefined, endedAt: number): void {
    if (!state) return;
    state.span.end(endedAt);
    if (linksNeeded) finished.set(id, state.span.spanContext());
  }

  function causingSend(provider: string): Span | undefined {
    return lastAttemptProvider === provider && lastAttemptId !== undefined
      ? sendSpan(lastAttemptId)
      : undefined;
  }

  /** `mailover.enqueue`, and the carrier of its context that the job keeps. */
  const enqueueTracer: EnqueueTracer = {
    start(job) {
      queueUsed = true;
      const span = tracer.startSpan(
        SPAN.enqueue,
        {
          kind: SpanKind.PRODUCER,
          startTime: job.startedAt,
          attributes: {
            [A.id]: job.id,
            [A.messageId]: job.messageId,
            [A.queueName]: job.queue,
            [A.queuePriority]: job.priority,
            [A.queueDelay]: seconds(Math.max(0, job.runAt - job.startedAt)),
          },
        },
        context.active(),
      );
      return {
        carrier: carrierOf(span.spanContext()),
        end(outcome) {
          if (outcome.duplicate) span.setAttribute(A.queueDuplicate, true);
          if (outcome.error !== undefined) {
            const error = (outcome.error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
            // A failure code when it has one (a store outage's), else the error's class name.
            const type =
              typeof error.code === 'string'
                ? error.code
                : typeof error.name === 'string'
                  ? error.name
                  : 'Error';
            span.setAttribute(A.errorType, type);
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: typeof error.message === 'string' ? error.message : String(outcome.error),
            });
          }
          span.end(outcome.endedAt);
        },
      };
    },
  };
  const stopTracingEnqueues = mailer.traceEnqueues(enqueueTracer);

  /** Queue depth and age: one query to the backend per collection, only once the queue was used. */
  const observeQueue = async (result: BatchObservableResult) => {
    let stats: Awaited<ReturnType<Mailer['queueStats']>>;
    try {
      stats = await mailer.queueStats();
    } catch {
      return; // the backend is unreachable: no value rather than a wrong one
    }
    if (!stats || (!stats.durable && !queueUsed)) return;
    const queue = stats.queue;
    result.observe(m.queueDepth, stats.queued, { [A.queueName]: queue, [A.queueState]: 'queued' });
    result.observe(m.queueDepth, stats.scheduled, { [A.queueName]: queue, [A.queueState]: 'scheduled' });
    result.observe(m.queueDepth, stats.sending, { [A.queueName]: queue, [A.queueState]: 'sending' });
    const age = stats.oldestDueAt === undefined ? 0 : Math.max(0, clock.now() - stats.oldestDueAt);
    result.observe(m.queueAge, seconds(age), { [A.queueName]: queue });
  };
  meter.addBatchObservableCallback(observeQueue, [m.queueDepth, m.queueAge]);

  const observeCircuits = (result: ObservableResult) => {
    for (const [provider, isOpen] of circuitOpen)
      result.observe(isOpen ? 1 : 0, { [A.providerId]: provider });
  };
  m.circuitOpen.addCallback(observeCircuits);

  const unsubscribe = Object.entries(handlers).map(([name, handler]) =>
    mailer.on(name as keyof MailerEvents, handler as (event: MailerEvents[keyof MailerEvents]) => void),
  );
  return () => {
    for (const off of unsubscribe) off();
    stopTracingEnqueues();
    m.circuitOpen.removeCallback(observeCircuits);
    sends.release();
    providerCalls.release();
    meter.removeBatchObservableCallback(observeQueue, [m.queueDepth, m.queueAge]);
  };
}

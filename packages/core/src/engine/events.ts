import type { DeliveryEvent } from '../delivery-event.js';
import type { FailureCode } from '../failures.js';
import type { GreylistEvents } from '../greylisting/ports.js';
import type { JobState } from './queue-runner.js';
import type { TraceCarrier } from '../queue/trace-carrier.js';
import type { WebhookReport } from '../webhooks/handler.js';
import type { SendAttempt, SendResult } from './types.js';

/** Everything the engine reports, by event name. Subscribe with `mailer.on(name, listener)`. */
export interface MailerEvents extends GreylistEvents {
  /**
   * A send began: the first call to a provider follows. Also for a greylisting re-send, which names
   * its `recipients` and has strategy `'greylist-failover'`. Built only when someone listens.
   */
  sending: {
    readonly id: string;
    readonly messageId: string;
    /** Provider ids in the order they will be tried. */
    readonly providers: readonly string[];
    /** `'priority'`, `'round-robin'`, `'weighted'`, or `'greylist-failover'` for a re-send. */
    readonly strategy: string;
    /** The addresses this send goes to (every recipient, or the re-send's). */
    readonly recipients: readonly string[];
    /** When it began, on the mailer's clock (epoch ms). */
    readonly startedAt: number;
  };
  /** A call to a provider finished (accepted or failed). */
  attempt: SendAttempt & { readonly id: string; readonly messageId: string };
  /** The engine will call the same provider again after `delayMs`. */
  retry: {
    readonly id: string;
    readonly provider: string;
    /** The attempt number of the coming call. */
    readonly attempt: number;
    readonly delayMs: number;
    /** The failure that caused it. */
    readonly code: FailureCode;
    /** `'retry-after'` when the provider asked for the delay, else `'backoff'`. */
    readonly reason: 'backoff' | 'retry-after';
  };
  /** The engine waited `waitedMs` for a provider's configured rate limit (`rateLimits`) before calling it. */
  'rate-limit-wait': { readonly id: string; readonly provider: string; readonly waitedMs: number };
  /** The engine moved on from a provider that failed. `to` is absent when none is left. */
  failover: { readonly id: string; readonly from: string; readonly to?: string; readonly code: FailureCode };
  /** A provider was passed over without a call. */
  skip: {
    readonly id: string;
    readonly provider: string;
    readonly reason: 'limits' | 'circuit-open';
    readonly detail: string;
  };
  'circuit-open': { readonly provider: string; readonly code: FailureCode; readonly until: number };
  'circuit-close': { readonly provider: string };
  sent: SendResult;
  /** A webhook request was answered (its events, if any, were reported as `delivery` first). */
  webhook: WebhookReport;
  /** A verified webhook event was stored (`id` is the mailover id it correlated to, if any). */
  delivery: DeliveryEvent & { readonly id?: string };
  /**
   * A message was routed to a fixed-IP provider first: `rule` `domain` when its recipient domain
   * looped before, `mx` when another domain (`learnedFrom`) behind the same exchanger (`mxHost`) did.
   */
  'domain-route': {
    readonly id: string;
    readonly domain: string;
    readonly provider: string;
    readonly rule: 'domain' | 'mx';
    readonly mxHost?: string;
    readonly learnedFrom?: string;
  };
  /** A queued message changed state (docs/queue.md): queued, scheduled, sending, sent, dead, cancelled. */
  job: {
    readonly id: string;
    readonly messageId: string;
    readonly state: JobState;
    /** Sends tried so far. */
    readonly attempts: number;
    /** When it is due next (queued, scheduled). */
    readonly runAt?: number;
    /** Why it is dead, or why the last attempt failed. */
    readonly reason?: string;
    /** On `sending` (the worker's): when `enqueue()` stored the job, on the enqueuing mailer's clock. */
    readonly enqueuedAt?: number;
    /** On `sending`: when this run became due (`sendAt`, or the retry's time). */
    readonly dueAt?: number;
    /**
     * On `sending`: the trace context stored at `enqueue()` (W3C `traceparent`/`tracestate`), read
     * back from the queue and checked; absent when none was stored or it did not fit.
     */
    readonly trace?: TraceCarrier;
  };
  failed: {
    readonly id: string;
    readonly messageId: string;
    readonly code: string;
    readonly attempts: readonly SendAttempt[];
    readonly message: string;
  };
}

export type MailerEventName = keyof MailerEvents;
export type MailerListener<Name extends MailerEventName> = (event: MailerEvents[Name]) => void;

/** A minimal typed emitter. A listener that throws is reported as a process warning, never breaks a send. */
export class MailerEmitter {
  private readonly listeners = new Map<MailerEventName, Set<(event: never) => void>>();

  on<Name extends MailerEventName>(name: Name, listener: MailerListener<Name>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => {
      set.delete(listener as (event: never) => void);
    };
  }

  /** Whether anyone listens to `name`: lets a hot path skip building an event nobody reads. */
  has(name: MailerEventName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<Name extends MailerEventName>(name: Name, event: MailerEvents[Name]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as MailerListener<Name>)(event);
      } catch (error) {
        process.emitWarning(`mailover: a '${name}' listener threw: ${String(error)}`);
      }
    }
  }
}

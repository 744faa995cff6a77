import type { DeliveryEvent } from '../delivery-event.js';
import type { FailureCode } from '../failures.js';
import type { DeferralEvidence } from '../greylisting/detector.js';
import type { JobState } from '../queue/runner.js';
import type { SendAttempt, SendResult } from './types.js';

/** Everything the engine reports, by event name. Subscribe with `mailer.on(name, listener)`. */
export interface MailerEvents {
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
  /** A verified webhook event was stored (`id` is the mailover id it correlated to, if any). */
  delivery: DeliveryEvent & { readonly id?: string };
  /** Greylisting deferrals of one (message, recipient) were judged a loop. */
  'greylist-loop': {
    readonly id: string;
    readonly recipient: string;
    readonly rule: 'count' | 'networks' | 'window';
    readonly detail: string;
    readonly evidence: readonly DeferralEvidence[];
  };
  /** The looping recipient was re-sent through a fixed-IP provider. */
  'greylist-failover': {
    readonly id: string;
    readonly recipient: string;
    readonly provider: string;
    readonly providerMessageId: string;
  };
  /** A domain was remembered as greylisting: its mail goes to `provider` first until `until`. */
  'domain-learned': { readonly domain: string; readonly provider: string; readonly until: number };
  /** A message was routed to a fixed-IP provider first because its recipient domain greylists. */
  'domain-route': { readonly id: string; readonly domain: string; readonly provider: string };
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

import type { Counter, Histogram, Meter, ObservableCounter, ObservableGauge } from '@opentelemetry/api';
import { METRIC } from './names.js';

// A send is one provider call of a few hundred ms, or retries with backoff over seconds, up to
// Retry-After waits of 30 s; the default buckets (0…10 000) suit milliseconds, not this.
const SEND_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const CALL_SECONDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const ATTEMPTS = [1, 2, 3, 4, 5, 6, 8, 10];
// A due job picked up at once waits milliseconds; a backlog, minutes to hours.
const QUEUE_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3_600, 21_600];
// Acceptance to delivery: seconds for a normal delivery, hours for a greylisted or deferred one.
const DELIVERY_SECONDS = [
  0.1, 0.25, 0.5, 1, 5, 15, 30, 60, 300, 900, 1_800, 3_600, 7_200, 21_600, 86_400, 259_200,
];

interface Spec {
  /** `tally`: a counter kept in process and observed at collection (tallies.ts); a counter on the wire. */
  readonly kind: 'counter' | 'tally' | 'histogram' | 'gauge';
  readonly unit: string;
  readonly description: string;
  readonly buckets?: readonly number[];
}

/** Every metric: its instrument, unit and description (the reference is docs/observability.md). */
const SPECS = {
  sends: {
    kind: 'tally',
    unit: '{message}',
    description: 'Messages whose send ended, by outcome (sent or failed)',
  },
  sendDuration: {
    kind: 'histogram',
    unit: 's',
    description: 'Time from the start of a send to its acceptance or failure, retries and failovers included',
    buckets: SEND_SECONDS,
  },
  sendAttempts: {
    kind: 'histogram',
    unit: '{call}',
    description: 'Provider calls one send made',
    buckets: ATTEMPTS,
  },
  providerCalls: {
    kind: 'tally',
    unit: '{call}',
    description: "Calls to providers, by the call's code (ok or a failure code)",
  },
  providerCallDuration: {
    kind: 'histogram',
    unit: 's',
    description: 'Duration of one provider call',
    buckets: CALL_SECONDS,
  },
  skips: {
    kind: 'counter',
    unit: '{skip}',
    description: 'Providers passed over without a call (limits, open circuit)',
  },
  retries: {
    kind: 'counter',
    unit: '{retry}',
    description: 'Retries of the same provider, by the failure that caused them',
  },
  failovers: {
    kind: 'counter',
    unit: '{failover}',
    description: 'Moves from a failed provider to the next, by the failure code (the reason)',
  },
  circuitOpen: {
    kind: 'gauge',
    unit: '1',
    description:
      "1 while a provider's circuit is open (from opening until a successful call closes it), else 0",
  },
  circuitOpens: { kind: 'counter', unit: '{open}', description: 'Times a provider circuit opened' },
  rateLimitWait: {
    kind: 'histogram',
    unit: 's',
    description: "Time a send waited for a provider's configured rate limit",
    buckets: CALL_SECONDS,
  },
  webhookRequests: {
    kind: 'counter',
    unit: '{request}',
    description: 'Webhook requests answered, by verification result and HTTP status',
  },
  webhookEvents: {
    kind: 'counter',
    unit: '{event}',
    description: 'Delivery events stored from webhooks, by provider and type',
  },
  deferrals: {
    kind: 'counter',
    unit: '{event}',
    description: "Deferred deliveries reported by webhooks, by the SMTP reply's category",
  },
  deliveryDelay: {
    kind: 'histogram',
    unit: 's',
    description: 'Time from acceptance by a provider to the delivered event',
    buckets: DELIVERY_SECONDS,
  },
  greylistLoops: {
    kind: 'counter',
    unit: '{loop}',
    description: 'Greylisting loops detected, by the rule that fired',
  },
  greylistFailovers: {
    kind: 'counter',
    unit: '{message}',
    description: 'Recipients re-sent through a fixed-IP provider after a greylisting loop',
  },
  greylistDomainsLearned: {
    kind: 'counter',
    unit: '{domain}',
    description: 'Domains remembered as greylisting',
  },
  greylistDomainRoutes: {
    kind: 'counter',
    unit: '{message}',
    description: 'Messages routed to a fixed-IP provider first because their domain greylists',
  },
  queueDepth: {
    kind: 'gauge',
    unit: '{job}',
    description: 'Jobs in the send queue, by state (queued: due now, scheduled: later, sending: running)',
  },
  queueAge: {
    kind: 'gauge',
    unit: 's',
    description: 'How long the longest-waiting due job has waited past its due time (0 when none is due)',
  },
  queueWait: {
    kind: 'histogram',
    unit: 's',
    description: 'Time from a queued job becoming due to a worker starting it',
    buckets: QUEUE_SECONDS,
  },
} as const satisfies Record<keyof typeof METRIC, Spec>;

/** The instruments, created once per `instrument()`. */
export type Instruments = {
  readonly [Key in keyof typeof SPECS]: (typeof SPECS)[Key]['kind'] extends 'counter'
    ? Counter
    : (typeof SPECS)[Key]['kind'] extends 'tally'
      ? ObservableCounter
      : (typeof SPECS)[Key]['kind'] extends 'histogram'
        ? Histogram
        : ObservableGauge;
};

export function createInstruments(meter: Meter): Instruments {
  const made: Record<string, Counter | ObservableCounter | Histogram | ObservableGauge> = {};
  for (const [key, spec] of Object.entries(SPECS) as [keyof typeof SPECS, Spec][]) {
    const options = {
      unit: spec.unit,
      description: spec.description,
      ...(spec.buckets ? { advice: { explicitBucketBoundaries: [...spec.buckets] } } : {}),
    };
    const name = METRIC[key];
    made[key] =
      spec.kind === 'counter'
        ? meter.createCounter(name, options)
        : spec.kind === 'tally'
          ? meter.createObservableCounter(name, options)
          : spec.kind === 'histogram'
            ? meter.createHistogram(name, options)
            : meter.createObservableGauge(name, options);
  }
  return made as Instruments;
}

import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { METRIC } from './names.js';

/** The instruments, created once per `instrument()`. Units and bucket bounds: docs/observability.md. */
export interface Instruments {
  readonly sends: Counter;
  readonly sendDuration: Histogram;
  readonly sendAttempts: Histogram;
  readonly providerCalls: Counter;
  readonly providerCallDuration: Histogram;
  readonly skips: Counter;
  readonly retries: Counter;
  readonly failovers: Counter;
  readonly circuitOpen: ObservableGauge;
  readonly circuitOpens: Counter;
  readonly rateLimitWait: Histogram;
  readonly webhookRequests: Counter;
  readonly webhookEvents: Counter;
  readonly deferrals: Counter;
  readonly deliveryDelay: Histogram;
  readonly greylistLoops: Counter;
  readonly greylistFailovers: Counter;
  readonly greylistDomainsLearned: Counter;
  readonly greylistDomainRoutes: Counter;
}

// A send is one provider call of a few hundred ms, or retries with backoff over seconds, up to
// Retry-After waits of 30 s; the default buckets (0…10 000) suit milliseconds, not this.
const SEND_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const CALL_SECONDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const ATTEMPTS = [1, 2, 3, 4, 5, 6, 8, 10];
// Acceptance to delivery: seconds for a normal delivery, hours for a greylisted or deferred one.
const DELIVERY_SECONDS = [
  0.1, 0.25, 0.5, 1, 5, 15, 30, 60, 300, 900, 1_800, 3_600, 7_200, 21_600, 86_400, 259_200,
];

export function createInstruments(meter: Meter): Instruments {
  return {
    sends: meter.createCounter(METRIC.sends, {
      unit: '{message}',
      description: 'Messages whose send ended, by outcome (sent or failed)',
    }),
    sendDuration: meter.createHistogram(METRIC.sendDuration, {
      unit: 's',
      description:
        'Time from the start of a send to its acceptance or failure, retries and failovers included',
      advice: { explicitBucketBoundaries: SEND_SECONDS },
    }),
    sendAttempts: meter.createHistogram(METRIC.sendAttempts, {
      unit: '{call}',
      description: 'Provider calls one send made',
      advice: { explicitBucketBoundaries: ATTEMPTS },
    }),
    providerCalls: meter.createCounter(METRIC.providerCalls, {
      unit: '{call}',
      description: "Calls to providers, by the call's code (ok or a failure code)",
    }),
    providerCallDuration: meter.createHistogram(METRIC.providerCallDuration, {
      unit: 's',
      description: 'Duration of one provider call',
      advice: { explicitBucketBoundaries: CALL_SECONDS },
    }),
    skips: meter.createCounter(METRIC.skips, {
      unit: '{skip}',
      description: 'Providers passed over without a call (limits, open circuit)',
    }),
    retries: meter.createCounter(METRIC.retries, {
      unit: '{retry}',
      description: 'Retries of the same provider, by the failure that caused them',
    }),
    failovers: meter.createCounter(METRIC.failovers, {
      unit: '{failover}',
      description: 'Moves from a failed provider to the next, by the failure code (the reason)',
    }),
    circuitOpen: meter.createObservableGauge(METRIC.circuitOpen, {
      unit: '1',
      description:
        "1 while a provider's circuit is open (from opening until a successful call closes it), else 0",
    }),
    circuitOpens: meter.createCounter(METRIC.circuitOpens, {
      unit: '{open}',
      description: 'Times a provider circuit opened',
    }),
    rateLimitWait: meter.createHistogram(METRIC.rateLimitWait, {
      unit: 's',
      description: "Time a send waited for a provider's configured rate limit",
      advice: { explicitBucketBoundaries: CALL_SECONDS },
    }),
    webhookRequests: meter.createCounter(METRIC.webhookRequests, {
      unit: '{request}',
      description: 'Webhook requests answered, by verification result and HTTP status',
    }),
    webhookEvents: meter.createCounter(METRIC.webhookEvents, {
      unit: '{event}',
      description: 'Delivery events stored from webhooks, by provider and type',
    }),
    deferrals: meter.createCounter(METRIC.deferrals, {
      unit: '{event}',
      description: "Deferred deliveries reported by webhooks, by the SMTP reply's category",
    }),
    deliveryDelay: meter.createHistogram(METRIC.deliveryDelay, {
      unit: 's',
      description: 'Time from acceptance by a provider to the delivered event',
      advice: { explicitBucketBoundaries: DELIVERY_SECONDS },
    }),
    greylistLoops: meter.createCounter(METRIC.greylistLoops, {
      unit: '{loop}',
      description: 'Greylisting loops detected, by the rule that fired',
    }),
    greylistFailovers: meter.createCounter(METRIC.greylistFailovers, {
      unit: '{message}',
      description: 'Recipients re-sent through a fixed-IP provider after a greylisting loop',
    }),
    greylistDomainsLearned: meter.createCounter(METRIC.greylistDomainsLearned, {
      unit: '{domain}',
      description: 'Domains remembered as greylisting',
    }),
    greylistDomainRoutes: meter.createCounter(METRIC.greylistDomainRoutes, {
      unit: '{message}',
      description: 'Messages routed to a fixed-IP provider first because their domain greylists',
    }),
  };
}

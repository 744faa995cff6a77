import type { ScenarioResult } from './scenario.js';
import { quantile } from './stats.js';

export interface DelayStats {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface StrategySummary {
  readonly strategy: string;
  readonly recipients: number;
  /** Recipients whose domain can take mail (not a full-mailbox domain). */
  readonly deliverable: number;
  readonly deliveredShare: number;
  /** Deliverable recipients never delivered. */
  readonly lost: number;
  readonly greylisting: DelayStats & { readonly recipients: number; readonly deliveredShare: number };
  readonly overall: DelayStats;
  /** Recipients delivered by both providers. */
  readonly duplicates: number;
  readonly duplicateShareGreylisting: number;
  /** Recipients to greylisting domains sent after the engine had learned their domain. */
  readonly afterLearning: {
    readonly recipients: number;
    readonly duplicates: number;
    readonly share: number;
  };
  readonly failovers: number;
  readonly loops: number;
  readonly domainRoutes: number;
  /** Routes decided by MX memory. */
  readonly mxRoutes: number;
  readonly webhookFailures: number;
  /** p95 delay per greylister class, ms. */
  readonly p95ByClass: Readonly<Record<string, number>>;
  /** Delays to greylisting domains, sorted, ms (undelivered are left out); for the chart. */
  readonly greylistingDelaysMs: readonly number[];
}

function delayStats(delays: readonly number[]): DelayStats {
  return {
    count: delays.length,
    p50Ms: quantile(delays, 0.5),
    p95Ms: quantile(delays, 0.95),
    p99Ms: quantile(delays, 0.99),
  };
}

/**
 * Percentiles are over all recipients of the group, an undelivered one counting as infinitely late:
 * a strategy that loses mail cannot look fast by leaving it out.
 */
function delaysWithLost(delays: readonly number[], lost: number): number[] {
  return [...delays, ...Array<number>(lost).fill(Number.POSITIVE_INFINITY)];
}

export function summarize(result: ScenarioResult): StrategySummary {
  const { population, records, learnedAt } = result;
  const classOf = (domain: string) => {
    const behaviour = population.domain(domain)?.behaviour;
    return behaviour?.kind === 'greylist' ? behaviour.greylister : behaviour?.kind;
  };
  // SPF-aware domains greylist no ESP, so they are not "greylisting domains" here.
  const isGreylisting = (domain: string) => {
    const kind = classOf(domain);
    return (
      kind !== undefined &&
      kind !== 'accept' &&
      kind !== 'rate-limit' &&
      kind !== 'mailbox-full' &&
      kind !== 'spf-aware'
    );
  };
  const deliverable = records.filter((record) => classOf(record.domain) !== 'mailbox-full');
  const delivered = deliverable.filter((record) => record.firstDeliveredAt !== undefined);
  const delay = (record: (typeof records)[number]) => record.firstDeliveredAt! - record.sentAt;
  const greylisting = deliverable.filter((record) => isGreylisting(record.domain));
  const greylistingDelivered = greylisting.filter((record) => record.firstDeliveredAt !== undefined);
  const duplicates = records.filter((record) => record.deliveredBy.size > 1);
  const afterLearning = greylisting.filter((record) => {
    const learned = learnedAt.get(record.domain);
    return learned !== undefined && record.sentAt > learned;
  });
  const afterLearningDuplicates = afterLearning.filter((record) => record.deliveredBy.size > 1).length;
  const p95ByClass: Record<string, number> = {};
  for (const name of new Set(greylisting.map((record) => classOf(record.domain)!))) {
    const group = greylisting.filter((record) => classOf(record.domain) === name);
    const groupDelivered = group.filter((record) => record.firstDeliveredAt !== undefined).map(delay);
    p95ByClass[name] = quantile(delaysWithLost(groupDelivered, group.length - groupDelivered.length), 0.95);
  }
  const greylistingDelays = greylistingDelivered.map(delay).sort((a, b) => a - b);
  return {
    strategy: result.strategy.name,
    recipients: records.length,
    deliverable: deliverable.length,
    deliveredShare: delivered.length / deliverable.length,
    lost: deliverable.length - delivered.length,
    greylisting: {
      recipients: greylisting.length,
      deliveredShare: greylistingDelivered.length / greylisting.length,
      ...delayStats(delaysWithLost(greylistingDelays, greylisting.length - greylistingDelivered.length)),
    },
    overall: delayStats(delaysWithLost(delivered.map(delay), deliverable.length - delivered.length)),
    duplicates: duplicates.length,
    duplicateShareGreylisting:
      greylisting.filter((record) => record.deliveredBy.size > 1).length / Math.max(1, greylisting.length),
    afterLearning: {
      recipients: afterLearning.length,
      duplicates: afterLearningDuplicates,
      share: afterLearningDuplicates / Math.max(1, afterLearning.length),
    },
    failovers: result.failovers,
    loops: result.loops,
    domainRoutes: result.domainRoutes,
    mxRoutes: result.mxRoutes,
    webhookFailures: result.webhookFailures,
    p95ByClass,
    greylistingDelaysMs: greylistingDelays,
  };
}

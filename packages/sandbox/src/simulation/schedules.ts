import type { Random } from './random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** When a sending MTA tries one message again after 4xx replies (greylisting-model.md §2, §5.3, §5.4). */
export interface RetrySchedule {
  readonly name: string;
  /** After this long from the first attempt the message is given up (bounced as expired), ms. */
  readonly horizonMs: number;
  /** Attempt times in ms after acceptance, the first at 0, none after the horizon. */
  attempts(random: Random): number[];
}

/** A schedule from fixed gaps between attempts; the last gap repeats until the horizon. */
export function gapSchedule(name: string, gapsMs: readonly number[], horizonMs: number): RetrySchedule {
  const times = [0];
  for (let index = 0; ; index++) {
    const gap = gapsMs[Math.min(index, gapsMs.length - 1)]!;
    const next = times.at(-1)! + gap;
    if (next > horizonMs || gap <= 0) break;
    times.push(next);
  }
  return { name, horizonMs, attempts: () => [...times] };
}

/** A schedule whose gap multiplies by `factor` after each attempt (SparkPost, KumoMTA). */
export function doublingSchedule(
  name: string,
  firstGapMs: number,
  factor: number,
  horizonMs: number,
): RetrySchedule {
  const times = [0];
  for (let gap = firstGapMs; times.at(-1)! + gap <= horizonMs; gap *= factor) times.push(times.at(-1)! + gap);
  return { name, horizonMs, attempts: () => [...times] };
}

export interface PostfixScheduleOptions {
  /** `queue_run_delay`: how often the deferred queue is scanned, ms. Default 300 s. */
  readonly queueRunDelayMs?: number;
  /** `minimal_backoff_time`, ms. Default 300 s. */
  readonly minimalBackoffMs?: number;
  /** `maximal_backoff_time`, ms. Default 4000 s. */
  readonly maximalBackoffMs?: number;
  /** `maximal_queue_lifetime`, ms. Default 5 days. */
  readonly lifetimeMs?: number;
  /** Where in the scan cycle the message arrives: `'random'` (default) or a fixed phase in ms (0 for tests). */
  readonly phaseMs?: number | 'random';
}

/**
 * Postfix ≥2.4 defaults: after a failure at age a the next try is due at a + clamp(a, 300 s, 4000 s)
 * and happens at the next deferred-queue scan, so attempts at about 0, 5, 10, 20, 40, 80 min, then
 * every ~70 min for 5 days.
 */
export function postfixSchedule(options: PostfixScheduleOptions = {}): RetrySchedule {
  const scan = options.queueRunDelayMs ?? 300_000;
  const minimal = options.minimalBackoffMs ?? 300_000;
  const maximal = options.maximalBackoffMs ?? 4_000_000;
  const horizonMs = options.lifetimeMs ?? 5 * DAY;
  return {
    name: 'postfix',
    horizonMs,
    attempts(random) {
      const phase =
        options.phaseMs === undefined || options.phaseMs === 'random' ? random() * scan : options.phaseMs;
      const times = [0];
      for (;;) {
        const age = times.at(-1)!;
        const due = age + Math.min(maximal, Math.max(minimal, age));
        // The first scan at or after `due`; scans run at phase + k·scan after acceptance.
        const next = phase + Math.ceil((due - phase) / scan) * scan;
        if (next > horizonMs) return times;
        times.push(next);
      }
    },
  };
}

/** The schedules of greylisting.md, as data. */
export const SCHEDULES = {
  /** SparkPost, documented: 20 min, then doubling; 72 h. Attempts at 0, 20 m, 1 h, 2.3 h … 42.3 h. */
  sparkpost: doublingSchedule('sparkpost', 20 * MINUTE, 2, 72 * HOUR),
  /** Mailgun, documented: 10, 15, 30, 60, 120, 240 min; 8 h. */
  mailgun: gapSchedule(
    'mailgun',
    [10, 15, 30, 60, 120, 240].map((minutes) => minutes * MINUTE),
    8 * HOUR,
  ),
  /** SendGrid-like [assumed gaps]: 10 min ×6, then every 3 h; 72 h documented. 30 attempts. */
  sendgridLike: gapSchedule('sendgrid-like', [...Array(6).fill(10 * MINUTE), 3 * HOUR], 72 * HOUR),
  /** SES-like [assumed gaps]: 5, 10, 20, 40 min, then hourly; 14 h (the API maximum). */
  sesLike: gapSchedule(
    'ses-like',
    [5, 10, 20, 40, 60].map((minutes) => minutes * MINUTE),
    14 * HOUR,
  ),
  /** KumoMTA default without jitter: 20 min doubling, no cap; 7 days. */
  kumomta: doublingSchedule('kumomta', 20 * MINUTE, 2, 7 * DAY),
  /** Postfix defaults with a random scan phase (the fixed-IP provider of §5.4). */
  postfix: postfixSchedule(),
} as const satisfies Record<string, RetrySchedule>;

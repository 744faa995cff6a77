import {
  binomialAgreement,
  expectedDelayIfDelivered,
  GREYLISTER_CLASSES,
  type GreylisterSpec,
  type IpPool,
  ipPool,
  loopProbability,
  postfixSchedule,
  type RetrySchedule,
  runTrials,
  SCHEDULES,
  seededRandom,
} from '@mailover/sandbox';

/** One single-greylister case of greylisting-model.md §6 and the key count K the closed form uses. */
interface ClosedFormCase {
  readonly name: string;
  readonly greylister: GreylisterSpec;
  readonly pool: (seed: number) => IpPool;
  readonly schedule: RetrySchedule;
  readonly keys: number;
}

export interface ClosedFormCheck {
  readonly name: string;
  readonly keys: number;
  readonly retries: number;
  readonly trials: number;
  readonly expectedLoop: number;
  readonly observedLoop: number;
  readonly sigma: number;
  readonly expectedMeanDelayMs: number;
  readonly observedMeanDelayMs: number;
  readonly agrees: boolean;
  /** Why it disagrees, for the loud message. */
  readonly problem?: string;
}

const rotating = (size: number, networks: number) => (seed: number) =>
  ipPool({ size, networks, random: seededRandom(seed) });
const fixed = () => ipPool({ octet: 20 });
// Phase 0 makes the fixed provider's attempt times exact, so "first retry ≥ d" is one number.
const postfix = postfixSchedule({ phaseMs: 0 });

const CASES: readonly ClosedFormCase[] = [
  {
    name: 'exact-IP (postgrey ≤1.36), N=256 over 16 /24s, SparkPost',
    greylister: GREYLISTER_CLASSES['postgrey-legacy'],
    pool: rotating(256, 16),
    schedule: SCHEDULES.sparkpost,
    keys: 256,
  },
  {
    name: 'exact-IP (postgrey ≤1.36), N=64 in one /24, Mailgun',
    greylister: GREYLISTER_CLASSES['postgrey-legacy'],
    pool: rotating(64, 1),
    schedule: SCHEDULES.mailgun,
    keys: 64,
  },
  {
    name: 'exact-IP (Mimecast, 60 s), N=256 over 16 /24s, Mailgun',
    greylister: GREYLISTER_CLASSES.mimecast,
    pool: rotating(256, 16),
    schedule: SCHEDULES.mailgun,
    keys: 256,
  },
  {
    name: '/24 key (postgrey ≥1.37), N=256 over 16 /24s, SparkPost',
    greylister: GREYLISTER_CLASSES.postgrey,
    pool: rotating(256, 16),
    schedule: SCHEDULES.sparkpost,
    keys: 16,
  },
  {
    name: '/24 key (postgrey ≥1.37), whole pool N=64 in one /24, SES-like',
    greylister: GREYLISTER_CLASSES.postgrey,
    pool: rotating(64, 1),
    schedule: SCHEDULES.sesLike,
    keys: 1,
  },
  {
    name: 'fixed IP, postgrey, Postfix',
    greylister: GREYLISTER_CLASSES.postgrey,
    pool: fixed,
    schedule: postfix,
    keys: 1,
  },
  {
    name: 'fixed IP, milter-greylist (30 min), Postfix',
    greylister: GREYLISTER_CLASSES['milter-greylist'],
    pool: fixed,
    schedule: postfix,
    keys: 1,
  },
  {
    name: 'rspamd (body key), N=256 over 16 /24s, SparkPost',
    greylister: GREYLISTER_CLASSES.rspamd,
    pool: rotating(256, 16),
    schedule: SCHEDULES.sparkpost,
    keys: 1,
  },
];

/**
 * Run each case on the simulation alone and compare with §6: P_loop = ∏(1 − i/K) within ±2σ
 * (binomial); with K = 1, no loop ever and every delivery at the first retry ≥ d.
 */
export function runClosedFormChecks(options: {
  readonly seed: number;
  readonly trials: number;
}): ClosedFormCheck[] {
  return CASES.map((entry, index) => {
    const seed = options.seed + 101 * (index + 1);
    const random = seededRandom(seed);
    const result = runTrials({
      greylister: entry.greylister,
      pool: entry.pool(seed + 1),
      schedule: entry.schedule,
      trials: options.trials,
      random,
    });
    const times = entry.schedule.attempts(random);
    const retries = times.length - 1;
    const expectedLoop = loopProbability(entry.keys, retries);
    const observedLoop = result.loops / result.trials;
    const agreement = binomialAgreement(expectedLoop, observedLoop, result.trials);
    const observedMean =
      result.delays.reduce((sum, delay) => sum + delay, 0) / Math.max(1, result.delays.length);
    let expectedMean: number;
    let problem: string | undefined;
    if (entry.keys === 1) {
      // One key: delivered at the first retry at least d after first contact, every time.
      expectedMean = times.find((time) => time >= entry.greylister.delayMs) ?? Number.NaN;
      const wrong = result.delays.filter((delay) => delay !== expectedMean).length;
      if (wrong > 0)
        problem = `${wrong} deliveries not at the first retry ≥ d (${expectedMean / 60_000} min)`;
    } else {
      expectedMean = expectedDelayIfDelivered(entry.keys, times);
    }
    if (!agreement.agrees) {
      problem = `P_loop ${(observedLoop * 100).toFixed(2)} % vs closed form ${(expectedLoop * 100).toFixed(2)} % (±2σ = ${(2 * agreement.sigma * 100).toFixed(2)} pp)`;
    }
    return {
      name: entry.name,
      keys: entry.keys,
      retries,
      trials: result.trials,
      expectedLoop,
      observedLoop,
      sigma: agreement.sigma,
      expectedMeanDelayMs: expectedMean,
      observedMeanDelayMs: observedMean,
      agrees: problem === undefined,
      ...(problem ? { problem } : {}),
    };
  });
}

import { describe, expect, it } from 'vitest';
import {
  binomialAgreement,
  deliveryAtRetry,
  expectedDelayIfDelivered,
  loopProbability,
  runTrials,
} from '../src/simulation/closed-form.js';
import { GREYLISTER_CLASSES } from '../src/simulation/greylister-classes.js';
import { ipPool } from '../src/simulation/ip-pool.js';
import { seededRandom } from '../src/simulation/random.js';
import { SCHEDULES } from '../src/simulation/schedules.js';

describe('closed form of greylisting-model.md §6', () => {
  it('gives the table values', () => {
    expect(loopProbability(256, 7)).toBeCloseTo(0.895, 3); // SparkPost, N = 256 exact IP
    expect(loopProbability(16, 7)).toBeCloseTo(0.121, 3); // SparkPost, /24 key over 16 /24s
    expect(loopProbability(64, 6)).toBeCloseTo(0.712, 3); // Mailgun, N = 64
    expect(loopProbability(1, 3)).toBe(0);
    // Every trial either delivers at some retry or loops.
    const chances = deliveryAtRetry(64, 6);
    expect(chances.reduce((sum, chance) => sum + chance, 0) + loopProbability(64, 6)).toBeCloseTo(1, 12);
    const sparkpostHours =
      expectedDelayIfDelivered(256, SCHEDULES.sparkpost.attempts(Math.random)) / 3_600_000;
    expect(sparkpostHours).toBeCloseTo(17.6, 1);
  });

  it('the simulation matches it for an exact-IP greylister and a rotating pool (K = 256, SparkPost)', () => {
    const trials = 40_000;
    const result = runTrials({
      greylister: GREYLISTER_CLASSES['postgrey-legacy'],
      pool: ipPool({ size: 256, networks: 16, random: seededRandom(11) }),
      schedule: SCHEDULES.sparkpost,
      trials,
      random: seededRandom(12),
    });
    const agreement = binomialAgreement(loopProbability(256, 7), result.loops / trials, trials);
    expect(agreement.agrees, JSON.stringify(agreement)).toBe(true);
  });

  it('the simulation matches it for a /24 greylister and 16 /24s (K = 16, SparkPost)', () => {
    const trials = 40_000;
    const result = runTrials({
      greylister: GREYLISTER_CLASSES.postgrey,
      pool: ipPool({ size: 256, networks: 16, random: seededRandom(41) }),
      schedule: SCHEDULES.sparkpost,
      trials,
      random: seededRandom(42),
    });
    const agreement = binomialAgreement(loopProbability(16, 7), result.loops / trials, trials);
    expect(agreement.agrees, JSON.stringify(agreement)).toBe(true);
  });

  it('a sticky pool behaves like a fixed IP: never loops', () => {
    const result = runTrials({
      greylister: GREYLISTER_CLASSES['postgrey-legacy'],
      pool: ipPool({ size: 256, networks: 16, selection: 'sticky' }),
      schedule: SCHEDULES.sparkpost,
      trials: 2_000,
      random: seededRandom(31),
    });
    expect(result.loops).toBe(0);
    expect(new Set(result.delays)).toEqual(new Set([20 * 60_000]));
  });
});

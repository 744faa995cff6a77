/**
 * What instances share through Redis besides greylisting: an open circuit (one instance's outage
 * spares the others the calls) and a provider's send rate (N processes together stay under it).
 * Every instance is its own OS process.
 */
import { describe, expect, it } from 'vitest';
import {
  instanceConfig,
  namespace,
  ROTATING_THEN_FIXED,
  redisForScenarios,
  scenarioLifecycle,
} from './fixtures.js';
import { startInstance } from './harness.js';

const redis = await redisForScenarios('shared limits');

const message = (index: number) => ({
  from: 'shop@example.com',
  to: `customer${index}@example.org`,
  subject: `Receipt ${index}`,
  text: 'Thanks',
});

describe.skipIf(!redis)('state shared between instance processes', () => {
  const url = redis?.url ?? '';
  const scene = scenarioLifecycle(redis);

  const names = (label: string) => {
    const { root, ...rest } = namespace(label);
    scene.roots.push(root);
    return { url, ...rest };
  };

  it('a circuit one instance opened is open for a fresh instance too: it does not call that provider', async () => {
    const shared = names('breaker');
    const breaker = { failureThreshold: 3, cooldownMs: 60_000 };
    const first = await startInstance(
      'first',
      instanceConfig(shared, scene.sandbox, ROTATING_THEN_FIXED, { breaker }),
    );
    scene.sandbox.faults.set('sendgrid', { kind: 'outage' });
    const failedOver = await first.send(message(0));
    expect(failedOver.body).toMatchObject({ provider: 'postmark' });
    expect(scene.sandbox.requests.sendgrid).toBe(3); // the first call and two retries
    expect(await first.events()).toContainEqual(
      expect.objectContaining({ type: 'circuit-open', provider: 'sendgrid' }),
    );

    // SendGrid is healthy again, but nobody has probed it yet: the circuit stays open for everyone.
    scene.sandbox.faults.clear('sendgrid');
    const [fresh, elsewhere] = await Promise.all([
      startInstance('fresh', instanceConfig(shared, scene.sandbox, ROTATING_THEN_FIXED, { breaker })),
      // The same, on a Redis namespace of its own: it has not heard of the outage.
      startInstance(
        'elsewhere',
        instanceConfig(names('breaker-elsewhere'), scene.sandbox, ROTATING_THEN_FIXED, { breaker }),
      ),
    ]);
    for (const index of [1, 2, 3]) {
      const reply = await fresh.send(message(index));
      expect(reply.body).toMatchObject({ provider: 'postmark' });
      expect(reply.body.attempts.map((attempt) => attempt.provider)).toEqual(['postmark']);
    }
    expect(scene.sandbox.requests.sendgrid).toBe(3);
    expect(await fresh.events()).toContainEqual(
      expect.objectContaining({ type: 'skip', provider: 'sendgrid', reason: 'circuit-open' }),
    );
    expect((await elsewhere.send(message(4))).body).toMatchObject({ provider: 'sendgrid' });
    expect(scene.sandbox.requests.sendgrid).toBe(4);
  });

  it('three processes sending at once stay under one shared rate limit of 10 per second', async () => {
    const shared = names('rate');
    const config = instanceConfig(shared, scene.sandbox, [{ kind: 'ses', ip: 'rotating' }], {
      rateLimits: { ses: { perSecond: 10 } },
    });
    const instances = await Promise.all(['one', 'two', 'three'].map((name) => startInstance(name, config)));
    // A cold adapter loads its SDK on the first send, after the engine took the token: sends whose
    // turn came during the load then leave together. A running service is warm; so are these.
    for (const [which, instance] of instances.entries())
      expect((await instance.send(message(100 + which))).status).toBe(200);
    scene.sandbox.reset();
    const perInstance = 10;
    const outcomes = await Promise.all(
      instances.map((instance, which) =>
        instance.sendMany(
          Array.from({ length: perInstance }, (_, index) => message(which * perInstance + index)),
          { concurrency: 8 },
        ),
      ),
    );
    expect(outcomes.flat().map((outcome) => outcome.status)).toEqual(outcomes.flat().map(() => 'sent'));

    const times = scene.sandbox.messages
      .filter((accepted) => accepted.provider === 'ses')
      .map((accepted) => accepted.receivedAt)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(3 * perInstance);
    // The most SES received in any one-second window: 10, plus one for a window's two edges.
    const busiest = Math.max(
      ...times.map(
        (start, index) => times.filter((time, later) => later >= index && time < start + 1_000).length,
      ),
    );
    expect(busiest).toBeLessThanOrEqual(11);
    // Paced, not serialised: 30 sends at 10/s take about 3 s from the first to the last.
    const spanMs = times.at(-1)! - times[0]!;
    expect(spanMs).toBeGreaterThanOrEqual((times.length - 1) * 100 - 100);
    expect(spanMs).toBeLessThan(times.length * 100 * 2);
  });
});

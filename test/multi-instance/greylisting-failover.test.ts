/**
 * Greylisting failover with many instances, each its own OS process on one Redis: the same
 * webhooks reaching every instance fail each (message, recipient) over exactly once, and failovers
 * pending on an instance that is killed are completed by another, none twice.
 */
import { describe, expect, it } from 'vitest';
import {
  failoverCounts,
  greylistDeferral,
  instanceConfig,
  mailoverIdOf,
  namespace,
  ROTATING_THEN_FIXED,
  redisForScenarios,
  scenarioLifecycle,
} from './fixtures.js';
import { type Instance, startInstance, waitUntil } from './harness.js';

const redis = await redisForScenarios('greylisting failover');

describe.skipIf(!redis)('greylisting failover across instance processes', () => {
  const url = redis?.url ?? '';
  const scene = scenarioLifecycle(redis);

  const scenario = (label: string, worker: { lockDurationMs?: number; stalledIntervalMs?: number } = {}) => {
    const { root, ...names } = namespace(label);
    scene.roots.push(root);
    return instanceConfig({ url, ...names, ...worker }, scene.sandbox, ROTATING_THEN_FIXED);
  };

  /** Send one message per recipient, taking turns between `instances`; returns what SendGrid accepted. */
  async function sendThroughSendGrid(instances: Instance[], recipients: string[]) {
    const ids: string[] = [];
    for (const [index, recipient] of recipients.entries()) {
      const reply = await instances[index % instances.length]!.send({
        from: 'shop@example.com',
        to: recipient,
        subject: `Order ${index}`,
        text: 'Your code is 123456',
      });
      expect(reply.status).toBe(200);
      expect(reply.body.provider).toBe('sendgrid');
      ids.push(reply.body.id);
    }
    return ids.map((id) => scene.sandbox.messages.find((message) => mailoverIdOf(message) === id)!);
  }

  it('the same deferral webhooks POSTed to two instances at once fail each recipient over exactly once', async () => {
    const config = scenario('twice');
    const instances = await Promise.all([startInstance('a', config), startInstance('b', config)]);
    // Two recipients of one domain get separate messages, plus a message with two recipients.
    const accepted = await sendThroughSendGrid(instances, ['ada@uni.example', 'bob@uni.example']);
    const pair = await instances[0]!.send({
      from: 'shop@example.com',
      to: ['cy@college.example', 'di@college.example'],
      subject: 'Both',
      text: 'x',
    });
    accepted.push(scene.sandbox.messages.find((message) => mailoverIdOf(message) === pair.body.id)!);
    const expected = accepted.flatMap((message) =>
      [...message.to].map((address) => `${mailoverIdOf(message)} ${address.address}`),
    );

    // Each provider retry reports a deferral; each report reaches both instances at the same time.
    const replies = await Promise.all(
      accepted.flatMap((message) =>
        message.to.flatMap(({ address }) =>
          [1, 2].flatMap((attempt) => {
            const webhook = greylistDeferral(scene.sandbox, message, address, attempt);
            return instances.map((instance) => instance.webhook('sendgrid', webhook));
          }),
        ),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));

    await waitUntil(() => failoverCounts(scene.sandbox).size === expected.length);
    await Promise.all(instances.map((instance) => instance.idle()));
    const counts = failoverCounts(scene.sandbox);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected.map((key) => [key, 1])));
    // Either instance reports the same outcome, whichever ran the failover.
    for (const message of accepted) {
      const status = await instances[1]!.status(mailoverIdOf(message));
      for (const { address } of message.to) {
        expect(status?.recipients[address]).toMatchObject({ state: 'failed_over', provider: 'postmark' });
      }
      expect(status?.history.filter((entry) => entry.type === 'failover-sent')).toHaveLength(
        message.to.length,
      );
    }
    // Two instance processes, a dozen webhooks and BullMQ jobs: 16 s on a loaded 2-core machine.
  }, 60_000);

  it('failovers pending on an instance killed with SIGKILL are completed by another, none twice', async () => {
    const config = scenario('killed', { lockDurationMs: 2_000, stalledIntervalMs: 300 });
    // The first instance's re-sends hang in the fixed provider's API, so its jobs stay running.
    const doomed = await startInstance('doomed', {
      ...config,
      providers: [ROTATING_THEN_FIXED[0]!, { ...ROTATING_THEN_FIXED[1]!, timeoutMs: 60_000 }],
    });
    const recipients = Array.from({ length: 6 }, (_, index) => `user${index}@school.example`);
    const accepted = await sendThroughSendGrid([doomed], recipients);
    scene.sandbox.faults.set('postmark', { kind: 'hang' });
    for (const message of accepted) {
      for (const attempt of [1, 2]) {
        const reply = await doomed.webhook(
          'sendgrid',
          greylistDeferral(scene.sandbox, message, message.to[0]!.address, attempt),
        );
        expect(reply.status).toBe(200);
      }
    }
    // Its worker runs 4 jobs at once: all 4 are stuck inside Postmark's API, the other 2 wait.
    expect(await waitUntil(() => scene.sandbox.requests.postmark >= 4)).toBe(true);
    await doomed.kill();
    scene.sandbox.faults.clear('postmark');
    expect(failoverCounts(scene.sandbox).size).toBe(0);

    const survivor = await startInstance('survivor', config);
    expect(await waitUntil(() => failoverCounts(scene.sandbox).size === recipients.length, 15_000)).toBe(
      true,
    );
    await survivor.idle();
    expect([...failoverCounts(scene.sandbox).values()]).toEqual(recipients.map(() => 1));
    for (const message of accepted) {
      const status = await survivor.status(mailoverIdOf(message));
      expect(status?.recipients[message.to[0]!.address]).toMatchObject({ state: 'failed_over' });
    }
  }, 30_000);
});

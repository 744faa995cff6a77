/**
 * The suppression list shared through Redis: one instance process learns a hard bounce from a
 * signed SendGrid webhook; another, with SendGrid down, does not send that address to SES, and
 * does send another. Every instance is its own OS process. docs/suppression.md.
 */
import { buildWebhook } from '@mailover/sandbox';
import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from './protocol.js';
import { instanceConfig, namespace, redisForScenarios, scenarioLifecycle } from './fixtures.js';
import { startInstance } from './harness.js';

const redis = await redisForScenarios('suppression');

const SENDGRID_THEN_SES: readonly ProviderConfig[] = [
  { kind: 'sendgrid', ip: 'rotating' },
  { kind: 'ses', ip: 'rotating' },
];

const message = (to: string) => ({ from: 'shop@example.com', to, subject: 'Receipt', text: 'Thanks' });

describe.skipIf(!redis)('a suppression learned by one instance stops every instance', () => {
  const url = redis?.url ?? '';
  const scene = scenarioLifecycle(redis);

  it('instance A learns the bounce; instance B, SendGrid down, sends neither to SendGrid nor to SES', async () => {
    const { root, ...rest } = namespace('suppression');
    scene.roots.push(root);
    const shared = { url, ...rest };
    const config = instanceConfig(shared, scene.sandbox, SENDGRID_THEN_SES, {
      breaker: { failureThreshold: 10, cooldownMs: 1_000 },
    });
    const [first, second] = await Promise.all([startInstance('a', config), startInstance('b', config)]);

    const sent = await first.send(message('dead@example.org'));
    expect(sent.body).toMatchObject({ provider: 'sendgrid' });
    const accepted = scene.sandbox.messages.find(
      (entry) => entry.providerMessageId === sent.body.providerMessageId,
    )!;
    const bounce = buildWebhook(
      'sendgrid',
      {
        type: 'bounced',
        message: accepted,
        recipient: 'dead@example.org',
        time: Date.now(),
        smtpReply:
          '550 5.1.1 <dead@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      },
      scene.sandbox.webhooks.keys,
    );
    expect(await first.webhook('sendgrid', bounce)).toMatchObject({ status: 200, body: { stored: 1 } });

    scene.sandbox.reset();
    scene.sandbox.faults.set('sendgrid', { kind: 'outage' });
    const refused = await second.send(message('dead@example.org'));
    expect(refused.status).toBe(500);
    expect(JSON.stringify(refused.body)).toMatch(
      /every recipient is suppressed \(dead@example.org: hard_bounce\)/,
    );
    expect(scene.sandbox.requests).toMatchObject({ sendgrid: 0, ses: 0 });

    const other = await second.send(message('alive@example.org'));
    expect(other.body).toMatchObject({ provider: 'ses' });
    expect(scene.sandbox.messages.map((entry) => entry.to[0]?.address)).toEqual(['alive@example.org']);
  });
});

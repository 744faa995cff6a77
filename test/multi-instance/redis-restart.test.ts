/**
 * Redis goes away in the middle of a run and comes back (a private redis-server, `SHUTDOWN NOSAVE`,
 * started again on the same port and data directory). It runs with the append-only file on and
 * `appendfsync always`, so whatever Redis acknowledged before it went down is there after.
 * Two instance processes: one sends, one takes the webhooks.
 */
import { randomBytes } from 'node:crypto';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer } from '../../packages/redis/test/redis-server.js';
import {
  delivered,
  failoverCounts,
  greylistDeferral,
  instanceConfig,
  mailoverIdOf,
  namespace,
  ROTATING_THEN_FIXED,
} from './fixtures.js';
import { type Instance, startInstance, stopAllInstances, waitUntil } from './harness.js';
import { type PersistentRedis, startPersistentRedis } from './redis-admin.js';

const available = hasRedisServer();
if (!available) console.warn('multi-instance Redis restart skipped: redis-server is not installed');

describe.skipIf(!available)('Redis restarted under two instance processes', () => {
  const password = `secret-${randomBytes(6).toString('hex')}`;
  let redis: PersistentRedis;
  let sandbox: Sandbox;
  let sender: Instance;
  let receiver: Instance;

  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startPersistentRedis(password), startSandbox()]);
    const { root: _root, ...names } = namespace('restart');
    const shared = { url: redis.url, ...names };
    // The sender has no fixed-IP provider, so no greylisting routing: it needs Redis only to record.
    [sender, receiver] = await Promise.all([
      startInstance('sender', instanceConfig(shared, sandbox, [{ kind: 'sendgrid', ip: 'rotating' }])),
      // A first greylisting deferral fails over one second later unless delivery is reported first.
      startInstance(
        'receiver',
        instanceConfig(shared, sandbox, ROTATING_THEN_FIXED, { greylisting: { windowMs: 1_000 } }),
      ),
    ]);
  });

  afterAll(async () => {
    await stopAllInstances();
    await sandbox?.close();
    await redis?.destroy();
  });

  const order = (index: number) => ({
    from: 'shop@example.com',
    to: `buyer${index}@example.org`,
    subject: `Order ${index}`,
    text: 'On its way',
  });
  const acceptedFor = (id: string) => sandbox.messages.find((message) => mailoverIdOf(message) === id)!;
  const deliveredWebhook = (id: string, index: number) =>
    delivered(sandbox, acceptedFor(id), `buyer${index}@example.org`);

  it('answers with clear errors while it is down, recovers, and loses nothing it acknowledged', async () => {
    const before = await Promise.all([1, 2].map((index) => sender.send(order(index))));
    const [first, second] = before.map((reply) => reply.body.id) as [string, string];
    const firstWebhook = deliveredWebhook(first, 1);
    expect((await receiver.webhook('sendgrid', firstWebhook)).status).toBe(200);
    // A failover job falls due while Redis is down.
    const slow = await receiver.send({ ...order(0), to: 'late@greylist.example' });
    const deferral = greylistDeferral(sandbox, acceptedFor(slow.body.id), 'late@greylist.example', 1);
    expect((await receiver.webhook('sendgrid', deferral)).status).toBe(200);

    await redis.shutdown();

    // A send still goes out: the provider accepted it, only recording it failed (a warning).
    const during = await sender.send(order(3));
    expect(during.status).toBe(200);
    expect(during.body.provider).toBe('sendgrid');
    const warnings = (await sender.events()).filter((event) => event.type === 'warning');
    expect(warnings.map((warning) => String(warning.message))).toContainEqual(
      expect.stringContaining(`accepted ${during.body.id} but could not record it`),
    );
    // With a fixed-IP provider the engine first asks Redis whether the domain greylists: domain
    // memory only improves routing, so an unanswered lookup routes by priority and the send goes out.
    const requests = sandbox.requests.sendgrid;
    const routed = await receiver.send(order(5));
    expect(routed.status).toBe(200);
    expect(routed.body.provider).toBe('sendgrid');
    expect(sandbox.requests.sendgrid).toBe(requests + 1);

    // A webhook is refused with 503, so the provider delivers it again later.
    const refused = await receiver.webhook('sendgrid', deliveredWebhook(second, 2));
    expect(refused.status).toBe(503);
    expect(JSON.stringify(refused.body)).toMatch(
      /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is unavailable/,
    );
    const status = await receiver.statusReply(first);
    expect(status.status).toBe(500);
    expect(JSON.stringify(status.body)).toMatch(/RedisError.*unavailable/);
    for (const text of [refused.body, status.body, routed.body, warnings].map((body) =>
      JSON.stringify(body),
    )) {
      expect(text).not.toContain(password);
    }

    await redis.start();
    expect(await waitUntil(async () => (await receiver.statusReply(first)).status === 200)).toBe(true);
    // The provider's re-delivery of the refused webhook now lands; the one acknowledged before the
    // restart is still known as a duplicate (its dedupe key survived).
    expect((await receiver.webhook('sendgrid', deliveredWebhook(second, 2))).status).toBe(200);
    const again = await receiver.webhook('sendgrid', firstWebhook);
    expect(again).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });

    for (const [id, index] of [
      [first, 1],
      [second, 2],
    ] as const) {
      const history = (await sender.status(id))?.history ?? [];
      expect(history.filter((entry) => entry.type === 'delivered')).toHaveLength(1);
      expect((await sender.status(id))?.recipients[`buyer${index}@example.org`]?.state).toBe('delivered');
    }
    // The job scheduled before the restart ran after it, once.
    expect(await waitUntil(() => failoverCounts(sandbox).size === 1)).toBe(true);
    await receiver.idle();
    expect(Object.fromEntries(failoverCounts(sandbox))).toEqual({
      [`${slow.body.id} late@greylist.example`]: 1,
    });
    // What was sent while Redis was down was never recorded: it has no status, though it went out.
    expect(await sender.status(during.body.id)).toBeUndefined();
    const after = await sender.send(order(4));
    expect((await receiver.status(after.body.id))?.recipients['buyer4@example.org']?.state).toBe('accepted');
  }, 30_000);
});

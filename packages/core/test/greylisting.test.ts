import { describe, expect, it } from 'vitest';
import { createMailer, DEFAULT_GREYLIST_POLICY, detectGreylistLoop, networkOf } from '../src/index.js';
import {
  type MockWebhookEvent,
  mockProvider,
  mockWebhooks,
  VirtualClock,
  mockWebhookRequest,
} from '../src/testing/index.js';

const GREYLISTED = (rcpt: string) =>
  `450 4.2.0 <${rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.edu.html`;

function setup(policy = {}) {
  const clock = new VirtualClock({ auto: false, random: () => 0.5 });
  const rotating = mockProvider({
    id: 'esp',
    ip: 'rotating',
    clock,
    webhooks: mockWebhooks({ provider: 'esp' }),
  });
  const relay = mockProvider({
    id: 'relay',
    ip: 'fixed',
    clock,
    webhooks: mockWebhooks({ provider: 'relay' }),
  });
  const mailer = createMailer({ providers: [rotating, relay], clock, greylisting: policy });
  const post = (provider: string, events: MockWebhookEvent[]) =>
    mailer.webhooks.handle(provider, mockWebhookRequest(events));
  return { clock, rotating, relay, mailer, post };
}

const message = {
  from: 'app@example.com',
  to: ['ada@example.edu', 'bob@other.example'],
  subject: 'Your code',
  text: '123456',
};

describe('greylisting loop → failover to the fixed-IP provider', () => {
  it('re-sends only the deferred recipient, once, with the same Message-ID, and shows it in status', async () => {
    const { clock, rotating, relay, mailer, post } = setup();
    const decisions: string[] = [];
    mailer.on('greylist-loop', (event) => decisions.push(`loop:${event.recipient}:${event.rule}`));
    mailer.on('greylist-failover', (event) =>
      decisions.push(`failover:${event.recipient}:${event.provider}`),
    );
    const sent = await mailer.send(message);
    expect(sent.provider).toBe('esp');

    const deferral = (attempt: number, ip: string): MockWebhookEvent => ({
      type: 'deferred',
      recipient: 'ada@example.edu',
      mailoverId: sent.id,
      time: clock.now(),
      smtp: GREYLISTED('ada@example.edu'),
      attempt,
      sendingIp: ip,
    });
    expect((await post('esp', [deferral(1, '127.1.0.5')])).status).toBe(200);
    await mailer.idle();
    expect(relay.calls).toHaveLength(0);
    expect((await mailer.status(sent.id))?.recipients['ada@example.edu']?.state).toBe('deferred');

    await clock.advance(10 * 60_000);
    expect((await post('esp', [deferral(2, '127.1.0.9')])).status).toBe(200);
    await mailer.idle();

    expect(relay.calls).toHaveLength(1);
    expect(relay.calls[0]?.context.recipients).toEqual(['ada@example.edu']);
    expect(relay.calls[0]?.message.messageId).toBe(sent.messageId);
    expect(decisions).toEqual(['loop:ada@example.edu:count', 'failover:ada@example.edu:relay']);

    const status = await mailer.status(sent.id);
    expect(status?.recipients['ada@example.edu']).toMatchObject({ state: 'failed_over', provider: 'relay' });
    expect(status?.recipients['bob@other.example']?.state).toBe('accepted');
    expect(status?.history.map((entry) => entry.type)).toEqual([
      'accepted',
      'deferred',
      'deferred',
      'greylist-loop',
      'failover-sent',
    ]);

    // The fixed provider then delivers; a late deferral from the first provider changes nothing.
    await post('relay', [
      { type: 'delivered', recipient: 'ada@example.edu', mailoverId: sent.id, time: clock.now() },
    ]);
    await post('esp', [deferral(3, '127.2.0.1')]);
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
    expect((await mailer.status(sent.id))?.recipients['ada@example.edu']).toMatchObject({
      state: 'delivered',
      provider: 'relay',
    });
    expect(rotating.calls).toHaveLength(1);
  });

  it('at most one failover per (message, recipient) under duplicate and concurrent webhooks', async () => {
    const { clock, relay, mailer, post } = setup();
    const sent = await mailer.send(message);
    const events: MockWebhookEvent[] = [1, 2, 3].map((attempt) => ({
      type: 'deferred',
      recipient: 'ada@example.edu',
      mailoverId: sent.id,
      time: clock.now() + attempt,
      smtp: GREYLISTED('ada@example.edu'),
      attempt,
      sendingIp: `127.${attempt}.0.1`,
    }));
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) => post('esp', index % 2 ? events : [...events].reverse())),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as { stored: number }[];
    expect(bodies.reduce((sum, body) => sum + body.stored, 0)).toBe(3);
  });

  it('a deferral that is not greylisting (mailbox full) never fails over', async () => {
    const { relay, mailer, post, clock } = setup({ deferrals: 1 });
    const sent = await mailer.send(message);
    for (const attempt of [1, 2, 3]) {
      await post('esp', [
        {
          type: 'deferred',
          recipient: 'ada@example.edu',
          mailoverId: sent.id,
          time: clock.now() + attempt,
          smtp: '452 4.2.2 The email account that you tried to reach is over quota.',
          attempt,
        },
      ]);
    }
    await mailer.idle();
    expect(relay.calls).toHaveLength(0);
  });

  it('deferrals from the fixed-IP provider are not loop evidence', async () => {
    const { relay, mailer, post, clock } = setup({ deferrals: 1 });
    const sent = await mailer.send(message, { providers: ['relay'] });
    await post('relay', [
      {
        type: 'deferred',
        recipient: 'ada@example.edu',
        mailoverId: sent.id,
        time: clock.now(),
        smtp: GREYLISTED('x'),
      },
    ]);
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
  });

  it('the window rule fires on its own when no further deferral arrives', async () => {
    const { clock, relay, mailer, post } = setup({ deferrals: 5, windowMs: 20 * 60_000 });
    const sent = await mailer.send(message);
    await post('esp', [
      {
        type: 'deferred',
        recipient: 'ada@example.edu',
        mailoverId: sent.id,
        time: clock.now(),
        smtp: GREYLISTED('ada@example.edu'),
        attempt: 1,
        sendingIp: '127.1.0.1',
      },
    ]);
    await clock.advance(19 * 60_000);
    await mailer.idle();
    expect(relay.calls).toHaveLength(0);
    await clock.advance(2 * 60_000);
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
  });

  it('does nothing when the recipient was delivered before the loop was judged', async () => {
    const { clock, relay, mailer, post } = setup({ deferrals: 5, windowMs: 20 * 60_000 });
    const sent = await mailer.send(message);
    await post('esp', [
      {
        type: 'deferred',
        recipient: 'ada@example.edu',
        mailoverId: sent.id,
        time: clock.now(),
        smtp: GREYLISTED('a'),
      },
    ]);
    await post('esp', [
      { type: 'delivered', recipient: 'ada@example.edu', mailoverId: sent.id, time: clock.now() + 1 },
    ]);
    await clock.advance(30 * 60_000);
    await mailer.idle();
    expect(relay.calls).toHaveLength(0);
  });

  it('remembers the domain: its next message goes to the fixed-IP provider first', async () => {
    const { clock, rotating, relay, mailer, post } = setup({ deferrals: 1 });
    const routes: string[] = [];
    mailer.on('domain-route', (event) => routes.push(`${event.domain}→${event.provider}`));
    const first = await mailer.send(message);
    await post('esp', [
      {
        type: 'deferred',
        recipient: 'ada@example.edu',
        mailoverId: first.id,
        time: clock.now(),
        smtp: GREYLISTED('a'),
      },
    ]);
    await mailer.idle();
    const second = await mailer.send({ ...message, to: 'carol@example.edu' });
    expect(second.provider).toBe('relay');
    expect(routes).toEqual(['example.edu→relay']);
    const unrelated = await mailer.send({ ...message, to: 'dan@elsewhere.example' });
    expect(unrelated.provider).toBe('esp');
    expect(rotating.calls).toHaveLength(2);
    expect(relay.calls).toHaveLength(2);

    // The memory expires after its TTL.
    await clock.advance(DEFAULT_GREYLIST_POLICY.domainMemoryMs + 1);
    expect((await mailer.send({ ...message, to: 'erin@example.edu' })).provider).toBe('esp');
  });
});

describe('detectGreylistLoop', () => {
  const policy = { ...DEFAULT_GREYLIST_POLICY, deferrals: 3 };
  const at = (time: number, sendingIp?: string, attempt?: number) => ({
    time,
    provider: 'esp',
    ...(sendingIp ? { sendingIp } : {}),
    ...(attempt ? { attempt } : {}),
  });

  it('counts attempts, not duplicate deliveries of the same attempt', () => {
    expect(detectGreylistLoop([at(0, undefined, 1), at(0, undefined, 1)], policy, 1).loop).toBe(false);
    expect(
      detectGreylistLoop([at(0, undefined, 1), at(1, undefined, 2), at(2, undefined, 3)], policy, 3),
    ).toMatchObject({
      loop: true,
      rule: 'count',
    });
  });

  it('two different /24s are a loop; two addresses in one /24 are not', () => {
    expect(detectGreylistLoop([at(0, '127.1.0.5', 1), at(1, '127.2.0.5', 2)], policy, 2).rule).toBe(
      'networks',
    );
    expect(detectGreylistLoop([at(0, '127.1.0.5', 1), at(1, '127.1.0.99', 2)], policy, 2).loop).toBe(false);
  });

  it('a first deferral older than the window is a loop', () => {
    expect(detectGreylistLoop([at(0)], policy, policy.windowMs - 1).loop).toBe(false);
    expect(detectGreylistLoop([at(0)], policy, policy.windowMs).rule).toBe('window');
  });

  it('networkOf groups as greylisters do', () => {
    expect(networkOf('203.0.113.77', 24)).toBe('203.0.113.0/24');
    expect(networkOf('203.0.113.77', 32)).toBe('203.0.113.77/32');
    expect(networkOf('::ffff:10.1.2.3', 24)).toBe('10.1.2.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6', 24)).toBe('2001:db8:1:2::/64');
  });
});

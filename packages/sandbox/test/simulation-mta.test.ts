import { VirtualClock } from '@mailover/core/testing';
import { describe, expect, it } from 'vitest';
import type { AcceptedMessage, SandboxEventSpec } from '../src/types.js';
import { buildSendGridWebhook, generateSendGridWebhookKeys } from '../src/webhooks/sendgrid.js';
import { GREYLISTER_CLASSES } from '../src/simulation/greylister-classes.js';
import { Greylister } from '../src/simulation/greylister.js';
import { ipPool } from '../src/simulation/ip-pool.js';
import { type MtaEvent, SimulatedMta } from '../src/simulation/mta.js';
import { createPopulation } from '../src/simulation/population.js';
import { seededRandom } from '../src/simulation/random.js';
import { gapSchedule, postfixSchedule, SCHEDULES } from '../src/simulation/schedules.js';

const MINUTE = 60_000;

function setup(options: {
  pool: ReturnType<typeof ipPool>;
  greylister: keyof typeof GREYLISTER_CLASSES;
  schedule?: ReturnType<typeof gapSchedule>;
}) {
  const clock = new VirtualClock({ start: 0 });
  const greylister = new Greylister(GREYLISTER_CLASSES[options.greylister]);
  const events: MtaEvent<{ providerMessageId: string }>[] = [];
  const mta = new SimulatedMta<{ providerMessageId: string }>({
    pool: options.pool,
    schedule: options.schedule ?? postfixSchedule({ phaseMs: 0 }),
    receivers: {
      receive: (attempt) => {
        const decision = greylister.check(attempt);
        return decision.accept
          ? { outcome: 'accepted', reply: '250 2.0.0 Ok' }
          : { outcome: 'deferred', reply: decision.reply! };
      },
    },
    clock,
    onEvent: (event) => events.push(event),
  });
  return { clock, mta, events };
}

describe('SimulatedMta on a virtual clock', () => {
  it('a fixed IP on the Postfix schedule passes postgrey at the 5-minute retry', async () => {
    const { mta, events } = setup({ pool: ipPool({ octet: 20 }), greylister: 'postgrey' });
    const outcomes = await mta.accept({ providerMessageId: 'm1' }, ['user@school.example']);
    expect(outcomes).toEqual(['delivered']);
    expect(events.map((event) => [event.type, event.time, event.attempt, event.sendingIp])).toEqual([
      ['deferred', 0, 1, '127.20.0.1'],
      ['delivered', 5 * MINUTE, 2, '127.20.0.1'],
    ]);
    expect(events[0]!.smtpReply).toContain(
      'Greylisted, see http://postgrey.schweikert.ch/help/school.example.html',
    );
  });

  it('milter-greylist (30 min) makes the fixed IP wait for the 40-minute retry', async () => {
    const { mta, events } = setup({ pool: ipPool({ octet: 20 }), greylister: 'milter-greylist' });
    await mta.accept({ providerMessageId: 'm1' }, ['user@school.example']);
    expect(events.map((event) => event.time / MINUTE)).toEqual([0, 5, 10, 20, 40]);
    expect(events.at(-1)!.type).toBe('delivered');
  });

  it('a rotating pool against an exact-IP greylister defers from many IPs, then bounces at the horizon', async () => {
    const { clock, mta, events } = setup({
      pool: ipPool({ size: 254, networks: 1, random: seededRandom(1) }),
      greylister: 'postgrey-legacy',
      schedule: gapSchedule('short', [10 * MINUTE], 30 * MINUTE),
    });
    // 4 attempts from 254 addresses: a repeat (and a pass) is unlikely; this seed has none.
    const outcomes = await mta.accept({ providerMessageId: 'm1' }, ['user@school.example']);
    expect(outcomes).toEqual(['expired']);
    expect(events.map((event) => event.type)).toEqual([
      'deferred',
      'deferred',
      'deferred',
      'deferred',
      'bounced',
    ]);
    expect(new Set(events.slice(0, 4).map((event) => event.sendingIp)).size).toBe(4);
    expect(events.at(-1)!.time).toBe(30 * MINUTE);
    expect(clock.now()).toBe(30 * MINUTE);
  });

  it('reports every recipient of a message separately, through a population', async () => {
    const clock = new VirtualClock({ start: 0 });
    const population = createPopulation({
      domains: 100,
      greylistingShare: 0.2,
      mailboxFullShare: 0.02,
      seed: 2,
    });
    const greylisting = population.domains.find(
      (domain) => domain.behaviour.kind === 'greylist' && domain.behaviour.greylister === 'postgrey',
    )!;
    const full = population.domains.find(
      (domain) => domain.behaviour.kind === 'mailbox-full' && domain.behaviour.permanent,
    )!;
    const open = population.domains.find((domain) => domain.behaviour.kind === 'accept')!;
    const events: MtaEvent<{ providerMessageId: string }>[] = [];
    const mta = new SimulatedMta<{ providerMessageId: string }>({
      pool: ipPool({ octet: 20 }),
      schedule: SCHEDULES.mailgun,
      receivers: population,
      clock,
      onEvent: (event) => events.push(event),
    });
    const outcomes = await mta.accept({ providerMessageId: 'm1' }, [
      `a@${greylisting.name}`,
      `b@${full.name}`,
      `c@${open.name}`,
    ]);
    expect(outcomes).toEqual(['delivered', 'bounced', 'delivered']);
    const final = (recipient: string) => events.filter((event) => event.recipient === recipient).at(-1)!;
    expect(final(`b@${full.name}`).smtpReply).toMatch(/^552 5\.2\.2/);
    expect(final(`c@${open.name}`).time).toBe(0);
    expect(final(`a@${greylisting.name}`).time).toBe(10 * MINUTE);
    expect(mta.pending).toBe(0);
  });
  it('emits sandbox event specs that the provider webhook builders take as they are', async () => {
    const clock = new VirtualClock({ start: 0 });
    const greylister = new Greylister(GREYLISTER_CLASSES['milter-greylist']);
    const specs: SandboxEventSpec[] = [];
    const mta = new SimulatedMta<AcceptedMessage>({
      pool: ipPool({ size: 16, networks: 4, octet: 10, random: seededRandom(5) }),
      schedule: SCHEDULES.sendgridLike,
      receivers: {
        receive: (attempt) => {
          const decision = greylister.check(attempt);
          return decision.accept
            ? { outcome: 'accepted', reply: '250 2.0.0 Ok' }
            : { outcome: 'deferred', reply: decision.reply! };
        },
      },
      clock,
      onEvent: (event) => specs.push(event),
    });
    const message: AcceptedMessage = {
      provider: 'sendgrid',
      providerMessageId: 'sg-1',
      receivedAt: 0,
      from: { address: 'app@sender.example' },
      to: [{ address: 'user@school.example' }],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'code',
      headers: {},
      attachments: [],
      tags: [],
      metadata: { mailover_id: 'mo-1' },
      raw: {},
    };
    await mta.accept(message, ['user@school.example']);
    const webhook = buildSendGridWebhook(specs.slice(0, 2), generateSendGridWebhookKeys());
    const events = JSON.parse(webhook.body.toString()) as Record<string, unknown>[];
    expect(events[0]).toMatchObject({
      event: 'deferred',
      email: 'user@school.example',
      mailover_id: 'mo-1',
      response: '451 4.7.1 Greylisting in action, please come back later',
      attempt: '1',
      ip: specs[0]!.sendingIp,
    });
    expect(events[1]).toMatchObject({ event: 'deferred', attempt: '2' });
  });
});

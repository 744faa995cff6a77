import { type CreateMailerOptions, createMailer, memoryStore } from '@mailover/core';
import { VirtualClock } from '@mailover/core/testing';
import {
  createPopulation,
  ipPool,
  type MtaEvent,
  type ReceiverPopulation,
  type RetrySchedule,
  SCHEDULES,
  SimulatedMta,
  seededRandom,
} from '@mailover/sandbox';
import { type BenchMessage, simulatedProvider, toWebhookRequest } from './provider.js';
import { sharedMxWorld } from './shared-mx.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The world every strategy is run against: same population, same messages, same seed. */
export interface World {
  readonly seed: number;
  readonly messages: number;
  /** Virtual time over which the messages are sent, ms. */
  readonly spanMs: number;
  readonly domains: number;
  readonly greylistingShare: number;
  readonly rateLimitedShare: number;
  readonly mailboxFullShare: number;
  /** Share of messages with a second recipient at another domain. */
  readonly secondRecipientShare: number;
  /** Provider event to mailer webhook, ms (greylisting-model.md §5.5: 60 s). */
  readonly webhookLatencyMs: number;
  readonly rotatingPool: { readonly size: number; readonly networks: number };
  readonly rotatingSchedule: RetrySchedule;
  readonly fixedSchedule: RetrySchedule;
  /** Recipient domains per MX host (shared-mx.ts); undefined: every domain has its own MX. */
  readonly domainsPerMx?: number;
}

export const DEFAULT_WORLD: World = {
  seed: 20_260_101,
  messages: 10_000,
  spanMs: 48 * HOUR,
  domains: 400,
  greylistingShare: 0.1,
  rateLimitedShare: 0.03,
  mailboxFullShare: 0.02,
  secondRecipientShare: 0.1,
  webhookLatencyMs: MINUTE,
  rotatingPool: { size: 256, networks: 16 },
  rotatingSchedule: SCHEDULES.sendgridLike,
  fixedSchedule: SCHEDULES.postfix,
};

export interface Strategy {
  readonly name: string;
  /** Providers in priority order. */
  readonly providers: readonly ('rotating' | 'fixed')[];
  readonly greylisting: CreateMailerOptions['greylisting'];
  /** Also remember greylisting per MX host (`greylisting.mx`), with the world's MX records. */
  readonly mxMemory?: boolean;
}

/** What happened to one (message, recipient), from the MTAs' side: the ground truth. */
export interface RecipientRecord {
  readonly recipient: string;
  readonly domain: string;
  sentAt: number;
  firstDeliveredAt?: number;
  readonly deliveredBy: Set<string>;
  bounced: boolean;
}

export interface ScenarioResult {
  readonly strategy: Strategy;
  readonly population: ReceiverPopulation;
  readonly records: readonly RecipientRecord[];
  readonly failovers: number;
  readonly loops: number;
  readonly domainRoutes: number;
  /** Routes decided by MX memory (another domain behind the same MX looped). */
  readonly mxRoutes: number;
  /** When each domain was first learned as greylisting. */
  readonly learnedAt: ReadonlyMap<string, number>;
  readonly webhookFailures: number;
  readonly virtualDurationMs: number;
}

/** Run the world's messages through `createMailer` with `strategy`, on a virtual clock. */
export async function runScenario(world: World, strategy: Strategy): Promise<ScenarioResult> {
  const random = seededRandom(world.seed);
  const clock = new VirtualClock({ start: Date.UTC(2026, 0, 5), random: seededRandom(world.seed + 1) });
  const startedAt = clock.now();
  const populationOptions = {
    seed: world.seed,
    domains: world.domains,
    greylistingShare: world.greylistingShare,
    rateLimitedShare: world.rateLimitedShare,
    mailboxFullShare: world.mailboxFullShare,
  };
  const shared = world.domainsPerMx
    ? sharedMxWorld({ ...populationOptions, domainsPerMx: world.domainsPerMx })
    : undefined;
  const population = shared?.population ?? createPopulation(populationOptions);
  const receivers = shared?.receivers ?? population;
  const mxOf = (domain: string) => shared?.mxOf(domain) ?? `mx.${domain}`;
  const records = new Map<string, RecipientRecord>();
  const recordFor = (id: string, recipient: string): RecipientRecord => {
    const key = `${id}|${recipient}`;
    let record = records.get(key);
    if (!record) {
      record = {
        recipient,
        domain: recipient.slice(recipient.indexOf('@') + 1),
        sentAt: Number.NaN,
        deliveredBy: new Set(),
        bounced: false,
      };
      records.set(key, record);
    }
    return record;
  };

  const webhooks: Promise<void>[] = [];
  let webhookFailures = 0;
  let deliverWebhook: (event: MtaEvent<BenchMessage>) => void = () => {};
  const onEvent = (event: MtaEvent<BenchMessage>) => {
    const record = recordFor(event.message.mailoverId, event.recipient);
    if (event.type === 'delivered') {
      record.deliveredBy.add(event.message.provider);
      record.firstDeliveredAt = Math.min(record.firstDeliveredAt ?? event.time, event.time);
    }
    if (event.type === 'bounced') record.bounced = true;
    deliverWebhook(event);
  };
  const rotatingMta = new SimulatedMta<BenchMessage>({
    pool: ipPool({ ...world.rotatingPool, octet: 10, random: seededRandom(world.seed + 2) }),
    schedule: world.rotatingSchedule,
    receivers,
    clock,
    random,
    onEvent,
  });
  const fixedMta = new SimulatedMta<BenchMessage>({
    pool: ipPool({ octet: 20 }),
    schedule: world.fixedSchedule,
    receivers,
    clock,
    random,
    onEvent,
  });
  const providers = {
    rotating: simulatedProvider({ id: 'rotating', ip: 'rotating', mta: rotatingMta }),
    fixed: simulatedProvider({ id: 'fixed', ip: 'fixed', mta: fixedMta }),
  };
  const mailer = createMailer({
    providers: strategy.providers.map((name) => providers[name]),
    clock,
    store: memoryStore({ clock, maxEntries: 5_000_000 }),
    greylisting:
      strategy.mxMemory && strategy.greylisting !== false
        ? {
            ...strategy.greylisting,
            // In-process MX records: the virtual clock must not see real DNS I/O under it.
            mx: {
              lookup: async (domain) => ({
                exchanges: [{ exchange: mxOf(domain), preference: 10 }],
                ttlSeconds: 3600,
              }),
            },
          }
        : strategy.greylisting,
    retentionMs: 10 * 24 * HOUR,
  });
  deliverWebhook = (event) => {
    const request = toWebhookRequest(event);
    webhooks.push(
      clock
        .sleep(world.webhookLatencyMs)
        .then(() => mailer.webhooks.handleRaw(event.message.provider, request))
        .then((outcome) => {
          if (outcome.status !== 200) webhookFailures += 1;
        }),
    );
  };
  let failovers = 0;
  let loops = 0;
  let domainRoutes = 0;
  let mxRoutes = 0;
  const learnedAt = new Map<string, number>();
  mailer.on('greylist-failover', () => failovers++);
  mailer.on('greylist-loop', () => loops++);
  mailer.on('domain-route', ({ rule }) => {
    domainRoutes++;
    if (rule === 'mx') mxRoutes++;
  });
  mailer.on('domain-learned', ({ domain }) => {
    if (!learnedAt.has(domain)) learnedAt.set(domain, clock.now());
  });

  const domainNames = population.domains.map((domain) => domain.name);
  const pickRecipient = (index: number) =>
    `user${Math.floor(random() * 50)}.${index}@${domainNames[Math.floor(random() * domainNames.length)]}`;
  const meanGapMs = world.spanMs / world.messages;
  for (let index = 0; index < world.messages; index++) {
    await clock.sleep(-Math.log(1 - random()) * meanGapMs);
    const to = [pickRecipient(index)];
    if (random() < world.secondRecipientShare) to.push(pickRecipient(index));
    const sentAt = clock.now();
    const result = await mailer.send({
      from: 'app@sender.example',
      to,
      subject: `message ${index}`,
      text: 'Your sign-in code is 123456.',
    });
    for (const recipient of to) recordFor(result.id, recipient).sentAt = sentAt;
  }
  // Every recipient final on both MTAs, every webhook handled, every engine job done.
  for (;;) {
    await Promise.all([rotatingMta.idle(), fixedMta.idle(), ...webhooks.splice(0)]);
    await mailer.idle();
    if (rotatingMta.pending === 0 && fixedMta.pending === 0 && webhooks.length === 0) break;
  }
  const virtualDurationMs = clock.now() - startedAt;
  await mailer.close();
  return {
    strategy,
    population,
    records: [...records.values()],
    failovers,
    loops,
    domainRoutes,
    mxRoutes,
    learnedAt,
    webhookFailures,
    virtualDurationMs,
  };
}

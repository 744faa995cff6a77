import { GREYLISTER_CLASSES, GREYLISTER_WEIGHTS, type GreylisterClassName } from './greylister-classes.js';
import { type GreylistAttempt, Greylister } from './greylister.js';
import { type Random, seededRandom } from './random.js';

/** How one recipient domain's MX treats mail from the provider. */
export type DomainBehaviour =
  | { readonly kind: 'accept' }
  | { readonly kind: 'greylist'; readonly greylister: GreylisterClassName }
  /** Defers a share of attempts with a 4xx rate reply, whatever the IP. */
  | { readonly kind: 'rate-limit'; readonly deferShare: number }
  /** Every mailbox is full: 452 4.2.2 (retry until the provider gives up) or 552 5.2.2 (bounce now). */
  | { readonly kind: 'mailbox-full'; readonly permanent: boolean };

export interface RecipientDomain {
  readonly name: string;
  readonly behaviour: DomainBehaviour;
}

/** What the recipient's server answered to one attempt. */
export interface ReceiverReply {
  readonly outcome: 'accepted' | 'deferred' | 'rejected';
  /** The SMTP reply line. */
  readonly reply: string;
}

export interface PopulationOptions {
  /** Seed for the class draw and the rate-limit replies. Default 1. */
  readonly seed?: number;
  /** Number of recipient domains. Default 500. */
  readonly domains?: number;
  /** Share of domains that greylist ESP mail (g; greylisting-model.md §4: unknown, sweep it). Default 0.05. */
  readonly greylistingShare?: number;
  /** Share of domains that rate-limit. Default 0.02. */
  readonly rateLimitedShare?: number;
  /** Share of domains whose mailboxes are full. Default 0.01. */
  readonly mailboxFullShare?: number;
  /** Weights of the greylister classes among greylisting domains. Default §5.2's mix. */
  readonly weights?: Readonly<Partial<Record<GreylisterClassName, number>>>;
  /** Share of attempts a rate-limiting domain defers. Default 0.3. */
  readonly rateLimitDeferShare?: number;
}

const RATE_REPLIES = [
  (ip: string) =>
    `421 4.7.0 [TSS04] Messages from ${ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`,
  (ip: string) => `451 4.7.1 Too many messages from ${ip}, slow down`,
];

/**
 * The receiving side of a simulation: recipient domains, each with its own MX state (greylist
 * records, whitelists). Unknown domains accept everything.
 */
export class ReceiverPopulation {
  private readonly byName = new Map<string, RecipientDomain>();
  private readonly greylisters = new Map<string, Greylister>();

  constructor(
    readonly domains: readonly RecipientDomain[],
    private readonly random: Random = Math.random,
  ) {
    for (const domain of domains) {
      this.byName.set(domain.name, domain);
      if (domain.behaviour.kind === 'greylist') {
        this.greylisters.set(domain.name, new Greylister(GREYLISTER_CLASSES[domain.behaviour.greylister]));
      }
    }
  }

  domain(name: string): RecipientDomain | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** One delivery attempt to `attempt.recipient`: what its MX answers. */
  receive(attempt: GreylistAttempt): ReceiverReply {
    const name = attempt.recipient.slice(attempt.recipient.lastIndexOf('@') + 1).toLowerCase();
    const domain = this.byName.get(name);
    const accepted: ReceiverReply = { outcome: 'accepted', reply: '250 2.0.0 Ok: queued' };
    if (!domain) return accepted;
    const behaviour = domain.behaviour;
    switch (behaviour.kind) {
      case 'accept':
        return accepted;
      case 'greylist': {
        const decision = this.greylisters.get(name)!.check(attempt);
        return decision.accept ? accepted : { outcome: 'deferred', reply: decision.reply! };
      }
      case 'rate-limit': {
        if (this.random() >= behaviour.deferShare) return accepted;
        const reply = RATE_REPLIES[Math.floor(this.random() * RATE_REPLIES.length)]!;
        return { outcome: 'deferred', reply: reply(attempt.ip) };
      }
      case 'mailbox-full':
        return behaviour.permanent
          ? {
              outcome: 'rejected',
              reply: `552 5.2.2 <${attempt.recipient}>: The email account that you tried to reach is over quota and inactive.`,
            }
          : {
              outcome: 'deferred',
              reply: `452 4.2.2 <${attempt.recipient}>: The email account that you tried to reach is over quota.`,
            };
    }
  }
}

/** Draw a population (seeded): greylisting classes by weight, plus rate-limiting and full-mailbox domains. */
export function createPopulation(options: PopulationOptions = {}): ReceiverPopulation {
  const random = seededRandom(options.seed ?? 1);
  const count = options.domains ?? 500;
  const greylisting = Math.round(count * (options.greylistingShare ?? 0.05));
  const rateLimited = Math.round(count * (options.rateLimitedShare ?? 0.02));
  const full = Math.round(count * (options.mailboxFullShare ?? 0.01));
  const classes = allocate(greylisting, { ...GREYLISTER_WEIGHTS, ...options.weights }, random);
  const domains: RecipientDomain[] = [];
  for (let index = 0; index < count; index++) {
    const behaviour: DomainBehaviour =
      index < greylisting
        ? { kind: 'greylist', greylister: classes[index]! }
        : index < greylisting + rateLimited
          ? { kind: 'rate-limit', deferShare: options.rateLimitDeferShare ?? 0.3 }
          : index < greylisting + rateLimited + full
            ? { kind: 'mailbox-full', permanent: (index - greylisting - rateLimited) % 2 === 1 }
            : { kind: 'accept' };
    const label = behaviour.kind === 'greylist' ? behaviour.greylister : behaviour.kind;
    domains.push({ name: `d${String(index).padStart(4, '0')}-${label}.example`, behaviour });
  }
  return new ReceiverPopulation(domains, random);
}

/**
 * Split `count` greylisting domains over the classes in proportion to their weights (largest
 * remainder), then shuffle: a small population still has §5.2's mix, not a noisy draw of it.
 */
function allocate(
  count: number,
  weights: Readonly<Partial<Record<GreylisterClassName, number>>>,
  random: Random,
): GreylisterClassName[] {
  const entries = Object.entries(weights).filter(([, weight]) => (weight ?? 0) > 0) as [
    GreylisterClassName,
    number,
  ][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const shares = entries.map(([name, weight]) => ({ name, exact: (count * weight) / total }));
  const counts = shares.map((share) => ({
    name: share.name,
    count: Math.floor(share.exact),
    rest: share.exact % 1,
  }));
  let missing = count - counts.reduce((sum, entry) => sum + entry.count, 0);
  for (const entry of [...counts].sort((a, b) => b.rest - a.rest)) {
    if (missing-- <= 0) break;
    entry.count += 1;
  }
  const names = counts.flatMap((entry) => Array<GreylisterClassName>(entry.count).fill(entry.name));
  for (let index = names.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [names[index], names[other]] = [names[other]!, names[index]!];
  }
  return names;
}

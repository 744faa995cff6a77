/**
 * A population where recipient domains share MX hosts (hosted filtering, university and ISP
 * relays): greylisting belongs to the host, so every domain behind a greylisting host greylists,
 * against one greylister whose records and whitelists all of them share.
 */
import {
  createPopulation,
  type GreylistAttempt,
  type PopulationOptions,
  ReceiverPopulation,
  type Receivers,
  type RecipientDomain,
} from '@mailover/sandbox';

export interface SharedMxWorld {
  /** The recipient domains, each with its host's behaviour (for the summary's classes). */
  readonly population: ReceiverPopulation;
  /** What the MTAs deliver to: each attempt goes to the domain's host. */
  readonly receivers: Receivers;
  /** The MX host of a recipient domain. */
  mxOf(domain: string): string | undefined;
}

/** `domains` recipient domains spread evenly over `domains / domainsPerMx` hosts drawn like a population. */
export function sharedMxWorld(options: PopulationOptions & { readonly domainsPerMx: number }): SharedMxWorld {
  const count = options.domains ?? 500;
  const hosts = createPopulation({ ...options, domains: Math.ceil(count / options.domainsPerMx) });
  const hostOf = new Map<string, string>();
  const domains: RecipientDomain[] = [];
  for (let index = 0; index < count; index++) {
    const host = hosts.domains[index % hosts.domains.length]!;
    const name = `c${String(index).padStart(4, '0')}.${host.name}`;
    hostOf.set(name, host.name);
    domains.push({ name, behaviour: host.behaviour });
  }
  return {
    population: new ReceiverPopulation(domains),
    receivers: {
      // The host's greylister sees the recipient at its own domain: records stay per recipient.
      receive: (attempt: GreylistAttempt) => {
        const at = attempt.recipient.lastIndexOf('@');
        const domain = attempt.recipient.slice(at + 1).toLowerCase();
        const host = hostOf.get(domain);
        if (!host) return { outcome: 'accepted', reply: '250 2.0.0 Ok: queued' };
        const local = `${attempt.recipient.slice(0, at)}.${domain.slice(0, domain.indexOf('.'))}`;
        return hosts.receive({ ...attempt, recipient: `${local}@${host}` });
      },
    },
    mxOf: (domain) => {
      const host = hostOf.get(domain.toLowerCase());
      return host === undefined ? undefined : `mx.${host}`;
    },
  };
}

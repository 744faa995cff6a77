/** One greylisting deferral of one (message, recipient) by a rotating-IP provider. */
export interface DeferralEvidence {
  readonly time: number;
  readonly provider: string;
  readonly sendingIp?: string;
  readonly attempt?: number;
}

/** When a run of greylisting deferrals counts as a loop (docs/greylisting.md). */
export interface GreylistPolicy {
  /** Greylisting deferrals of one (message, recipient) that make a loop. Default 2. */
  readonly deferrals?: number;
  /** Deferrals from this many different sending networks make a loop (0 turns it off). Default 2. */
  readonly distinctNetworks?: number;
  /** Prefix length that makes two IPv4 addresses one network, as greylisters group them. Default 24. */
  readonly networkPrefix?: number;
  /** A first deferral older than this makes a loop, whatever the count. Default 30 minutes. */
  readonly windowMs?: number;
  /** How long a domain that looped is routed to the fixed-IP provider first; 0 turns domain memory off. Default 7 days. */
  readonly domainMemoryMs?: number;
  /**
   * MX memory: also remember the looping domain's mail exchangers, and route a new domain whose MX
   * is one of them to the fixed-IP provider first (docs/greylisting-mx.md). `true` uses the system's
   * resolver and a 1000 ms lookup timeout. Default: off (no DNS lookups).
   */
  readonly mx?: boolean | MxMemoryOptions;
}

/** Where MX memory looks up exchangers. */
export interface MxMemoryOptions {
  /** The DNS server, `host:port`. Default: the system's first resolver. */
  readonly resolver?: string;
  /** Longest wait for one MX lookup before the send goes on without it, ms. Default 1000. */
  readonly timeoutMs?: number;
  /**
   * Your own MX lookup instead of a UDP query to `resolver` (a cache you already have, a
   * simulation): the exchangers with their preference, and how long the answer may be cached.
   * Default: none.
   */
  readonly lookup?: (domain: string) => Promise<MxLookupAnswer>;
}

/** What an MX lookup answers: the exchangers, and how long the answer may be cached. */
export interface MxLookupAnswer {
  readonly exchanges: readonly { readonly exchange: string; readonly preference: number }[];
  /** Seconds the answer may be cached (the records' TTL). */
  readonly ttlSeconds: number;
}

export type ResolvedGreylistPolicy = Required<Omit<GreylistPolicy, 'mx'>> & {
  /** MX memory's lookup settings, or false when it is off. */
  readonly mx:
    | false
    | {
        readonly resolver?: string;
        readonly timeoutMs: number;
        readonly lookup?: (domain: string) => Promise<MxLookupAnswer>;
      };
};

export const DEFAULT_GREYLIST_POLICY: ResolvedGreylistPolicy = Object.freeze({
  deferrals: 2,
  distinctNetworks: 2,
  networkPrefix: 24,
  windowMs: 30 * 60_000,
  domainMemoryMs: 7 * 24 * 3_600_000,
  mx: false,
});

export interface LoopVerdict {
  readonly loop: boolean;
  /** Which rule decided: `count`, `networks` or `window`. */
  readonly rule?: 'count' | 'networks' | 'window';
  /** For people: what was seen. */
  readonly detail: string;
}

/**
 * Decide whether the deferrals of one (message, recipient) are a greylisting loop: N deferrals, or
 * deferrals from K different sending networks, or a first deferral older than the window —
 * whichever comes first. Pure: the same evidence and time give the same verdict.
 */
export function detectGreylistLoop(
  evidence: readonly DeferralEvidence[],
  policy: ResolvedGreylistPolicy,
  now: number,
): LoopVerdict {
  if (evidence.length === 0) return { loop: false, detail: 'no greylisting deferrals' };
  const networks = new Set(
    evidence.flatMap((entry) => (entry.sendingIp ? [networkOf(entry.sendingIp, policy.networkPrefix)] : [])),
  );
  const first = Math.min(...evidence.map((entry) => entry.time));
  // Duplicate webhook deliveries are removed before this point; attempts count once each.
  const attempts = new Set(evidence.map((entry) => entry.attempt ?? `${entry.time}:${entry.sendingIp ?? ''}`))
    .size;
  if (policy.distinctNetworks > 1 && networks.size >= policy.distinctNetworks) {
    return {
      loop: true,
      rule: 'networks',
      detail: `greylisted from ${networks.size} different sending networks (${[...networks].join(', ')}): each retry is a new triplet`,
    };
  }
  if (attempts >= policy.deferrals) {
    return { loop: true, rule: 'count', detail: `${attempts} greylisting deferrals` };
  }
  if (now - first >= policy.windowMs) {
    return {
      loop: true,
      rule: 'window',
      detail: `still greylisted ${Math.round((now - first) / 60_000)} min after the first deferral`,
    };
  }
  return { loop: false, detail: `${attempts} greylisting deferral(s) so far` };
}

/** The network a greylister would group an address into: IPv4 by prefix, IPv6 by /64. */
export function networkOf(ip: string, prefix: number): string {
  const v4 = ip.match(/^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4) {
    const value = v4.slice(1).reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const masked =
      prefix <= 0
        ? 0
        : Math.floor(value / 2 ** (32 - Math.min(32, prefix))) * 2 ** (32 - Math.min(32, prefix));
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(masked / 2 ** shift) % 256);
    return `${octets.join('.')}/${prefix}`;
  }
  const groups = ip.toLowerCase().split(':');
  return `${groups.slice(0, 4).join(':')}::/64`;
}

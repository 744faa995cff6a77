/** What part of the client address a greylister keys on. */
export type GreylistKeying =
  /** The exact client IP (/32): milter-greylist, spamd, greylistd, Mimecast, postgrey ≤1.36 for ESP PTRs. */
  | 'ip'
  /** The client's /24: postgrey ≥1.37, sqlgrey "smart" for MTA-looking PTRs. */
  | 'network24'
  /** No IP at all: rspamd's body hash, SPF-aware and recipe greylisters. */
  | 'none';

/** An auto-whitelist: after enough passes, a client skips greylisting for every sender. */
export interface AutoWhitelist {
  /** Passes (first-time greylist passes) before the client is whitelisted. */
  readonly passes: number;
  /** What gets whitelisted: the exact IP, or its /24. */
  readonly scope: 'ip' | 'network24';
  /** Passes closer together than this count once (postgrey counts at most one an hour). Default 0. */
  readonly countOncePerMs?: number;
}

/** What a greylister knows when it writes its reply. */
export interface ReplyContext {
  readonly recipient: string;
  readonly domain: string;
  readonly ip: string;
  readonly sender: string;
}

/** One greylisting implementation's behaviour: key, delay, window, whitelist, reply text. */
export interface GreylisterSpec {
  /** A short name (`postgrey`, `milter-greylist`, …). */
  readonly name: string;
  readonly keying: GreylistKeying;
  /** Least time after first contact before a retry is accepted (d), ms. */
  readonly delayMs: number;
  /** Retry window (W), ms: a retry later than this after first contact starts over. */
  readonly windowMs: number;
  /** Client auto-whitelist, if the implementation has one that helps a VERP sender. */
  readonly autoWhitelist?: AutoWhitelist;
  /** Never greylists: the sending IP is in the sender domain's SPF (iRedAPD, tumgreyspf). */
  readonly spfBypass?: boolean;
  /** The deferral reply this implementation sends, as the sending MTA logs it. */
  reply(context: ReplyContext): string;
}

/** One delivery attempt as the receiving server sees it. */
export interface GreylistAttempt {
  /** Epoch ms. */
  readonly time: number;
  readonly ip: string;
  /** The envelope sender (MAIL FROM). ESPs use one VERP address per message, kept across retries. */
  readonly sender: string;
  readonly recipient: string;
}

export type GreylistReason =
  | 'bypass' // SPF-aware: never greylists this sender
  | 'whitelisted' // the client is on the auto-whitelist
  | 'new' // first contact: record and defer
  | 'early' // retry before the delay passed
  | 'window-missed' // retry after the window: start over
  | 'passed' // retry inside [d, W]: pass, and from now on the triplet is known
  | 'known'; // the triplet passed before

export interface GreylistDecision {
  readonly accept: boolean;
  readonly reason: GreylistReason;
  /** The deferral reply, when not accepted. */
  readonly reply?: string;
}

interface TripletRecord {
  first: number;
  passed: boolean;
}

interface WhitelistCount {
  count: number;
  lastCountedAt: number;
}

/** The /24 of an IPv4 address (`127.16.3.0/24`), or the address itself when it is not IPv4. */
export function network24(ip: string): string {
  const match = ip.match(/^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/);
  return match ? `${match[1]}.0/24` : ip;
}

/**
 * One receiving server's greylist, with postgrey semantics (greylisting-model.md §5.1) and the key,
 * delay, window and auto-whitelist of `spec`. Time comes from the attempts, so it runs on any clock.
 */
export class Greylister {
  private readonly triplets = new Map<string, TripletRecord>();
  private readonly whitelistCounts = new Map<string, WhitelistCount>();

  constructor(readonly spec: GreylisterSpec) {}

  check(attempt: GreylistAttempt): GreylistDecision {
    const { spec } = this;
    if (spec.spfBypass) return { accept: true, reason: 'bypass' };
    if (this.whitelisted(attempt.ip)) return { accept: true, reason: 'whitelisted' };
    const key = `${this.clientKey(attempt.ip)}|${attempt.sender.toLowerCase()}|${attempt.recipient.toLowerCase()}`;
    const record = this.triplets.get(key);
    if (!record) {
      this.triplets.set(key, { first: attempt.time, passed: false });
      return this.defer(attempt, 'new');
    }
    if (record.passed) return { accept: true, reason: 'known' };
    const age = attempt.time - record.first;
    if (age > spec.windowMs) {
      record.first = attempt.time;
      return this.defer(attempt, 'window-missed');
    }
    if (age >= spec.delayMs) {
      record.passed = true;
      this.countPass(attempt);
      return { accept: true, reason: 'passed' };
    }
    return this.defer(attempt, 'early');
  }

  private defer(attempt: GreylistAttempt, reason: GreylistReason): GreylistDecision {
    const domain = attempt.recipient.slice(attempt.recipient.lastIndexOf('@') + 1).toLowerCase();
    return {
      accept: false,
      reason,
      reply: this.spec.reply({
        recipient: attempt.recipient,
        domain,
        ip: attempt.ip,
        sender: attempt.sender,
      }),
    };
  }

  private clientKey(ip: string): string {
    if (this.spec.keying === 'ip') return ip;
    if (this.spec.keying === 'network24') return network24(ip);
    return '';
  }

  private whitelistKey(ip: string): string | undefined {
    const whitelist = this.spec.autoWhitelist;
    if (!whitelist) return undefined;
    return whitelist.scope === 'ip' ? ip : network24(ip);
  }

  private whitelisted(ip: string): boolean {
    const key = this.whitelistKey(ip);
    if (key === undefined) return false;
    const entry = this.whitelistCounts.get(key);
    return entry !== undefined && entry.count >= this.spec.autoWhitelist!.passes;
  }

  private countPass(attempt: GreylistAttempt): void {
    const key = this.whitelistKey(attempt.ip);
    if (key === undefined) return;
    const spacing = this.spec.autoWhitelist!.countOncePerMs ?? 0;
    const entry = this.whitelistCounts.get(key);
    if (!entry) {
      this.whitelistCounts.set(key, { count: 1, lastCountedAt: attempt.time });
    } else if (attempt.time - entry.lastCountedAt >= spacing) {
      entry.count += 1;
      entry.lastCountedAt = attempt.time;
    }
  }
}

/**
 * The mail exchangers of a recipient domain, for MX-aware greylisting memory (docs/greylisting-mx.md):
 * cached for the record's TTL, each lookup bounded by a timeout, and every failure answered with
 * "no MX known" — routing then falls back to domain memory. A send never waits on DNS for longer
 * than the timeout and never fails because of it.
 */
import { getServers } from 'node:dns';
import type { Clock } from '../time.js';
import { type MxAnswer, queryMx } from './mx-query.js';

/** The exchangers' answer cache never keeps an answer longer than this, whatever its TTL. */
const MAX_TTL_MS = 24 * 3_600_000;
/** Nor shorter: a zero TTL would mean a lookup per send. */
const MIN_TTL_MS = 30_000;
/** A failed lookup is retried after this long, so a broken resolver costs one timeout a minute per domain. */
const FAILURE_TTL_MS = 60_000;
/** Domains cached at most; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

/** The most-preferred exchangers of a domain, lower case: the hosts that greylist, if anyone does. */
export class MxHosts {
  private readonly cache = new Map<string, { readonly hosts: readonly string[]; readonly until: number }>();
  private readonly pending = new Map<string, Promise<readonly string[]>>();

  private readonly query: (domain: string) => Promise<MxAnswer>;

  /** `lookup` replaces the UDP query to `resolver` (greylisting.mx.lookup); both are bounded by `timeoutMs`. */
  constructor(
    private readonly clock: Clock,
    timeoutMs: number,
    resolver: string | undefined,
    lookup?: (domain: string) => Promise<MxAnswer>,
  ) {
    const server = parseDnsServer(resolver ?? getServers()[0]);
    this.query = lookup
      ? (domain) => withTimeout(lookup(domain), timeoutMs, domain)
      : (domain) =>
          server ? queryMx(domain, server, timeoutMs) : Promise.reject(new Error('no DNS server configured'));
  }

  /** The domain's lowest-preference MX hosts; empty when it has none or DNS did not answer in time. */
  hosts(domain: string): Promise<readonly string[]> {
    const cached = this.cache.get(domain);
    if (cached && cached.until > this.clock.now()) return Promise.resolve(cached.hosts);
    let lookup = this.pending.get(domain);
    if (!lookup) {
      lookup = this.lookUp(domain).finally(() => this.pending.delete(domain));
      this.pending.set(domain, lookup);
    }
    return lookup;
  }

  private async lookUp(domain: string): Promise<readonly string[]> {
    let hosts: readonly string[] = [];
    let ttlMs = FAILURE_TTL_MS;
    try {
      const answer = await this.query(domain);
      hosts = primary(answer);
      ttlMs = Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, answer.ttlSeconds * 1000));
    } catch {
      // Timeout, refused, unreadable, no server: no MX known; domain memory still routes.
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(domain, { hosts, until: this.clock.now() + ttlMs });
    return hosts;
  }
}

/** `promise`, or a rejection after `ms` (a timer that does not keep the process alive). */
function withTimeout<T>(promise: Promise<T>, ms: number, domain: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`MX ${domain}: no answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The exchangers of the lowest preference; a null MX (`.`, RFC 7505) is none. */
function primary(answer: MxAnswer): string[] {
  const usable = answer.exchanges.filter((entry) => entry.exchange !== '');
  if (usable.length === 0) return [];
  const best = Math.min(...usable.map((entry) => entry.preference));
  return [...new Set(usable.filter((entry) => entry.preference === best).map((entry) => entry.exchange))];
}

/** `host:port`, `[v6]:port` or a bare address (port 53); undefined for anything else. */
export function parseDnsServer(server: string | undefined): { host: string; port: number } | undefined {
  if (!server) return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+|[0-9a-fA-F:]+))(?::(\d{1,5}))?$/.exec(server.trim());
  if (!match) return undefined;
  const port = match[3] === undefined ? 53 : Number(match[3]);
  return port >= 1 && port <= 65_535 ? { host: (match[1] ?? match[2])!, port } : undefined;
}

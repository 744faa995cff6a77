/**
 * SPF as a receiver evaluates it (RFC 7208): one `v=spf1` record, at most 10 DNS-querying terms
 * counted across every nested include and redirect (§4.6.4), and the `all` qualifier at the end.
 * See docs/doctor.md#domain-checks.
 */
import { type DnsLookup, txtOf } from './dns.js';

/** RFC 7208 §4.6.4: more than this many lookups is a permanent error, and SPF fails everywhere. */
export const SPF_LOOKUP_LIMIT = 10;
/** Records walked at most, so a loop or a huge tree cannot keep the doctor busy. */
const MAX_RECORDS = 40;
/** Terms that cost a DNS lookup. */
const LOOKUP_TERMS = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);

/** What the SPF tree under one domain says. */
export interface SpfAnalysis {
  /** The `v=spf1` records at the domain itself (more than one is a permanent error). */
  readonly records: readonly string[];
  /** DNS-querying terms across the whole tree. */
  readonly lookups: number;
  /** Every domain named by include: or redirect= anywhere in the tree, lower case. */
  readonly includes: ReadonlySet<string>;
  /** Every ip4:/ip6: value anywhere in the tree. */
  readonly addresses: readonly string[];
  /** The top record's `all` qualifier (`-`, `~`, `?`, `+`), or undefined without one. */
  readonly all: '-' | '~' | '?' | '+' | undefined;
  /** Permanent errors met on the way (an include without a record, several records). */
  readonly problems: readonly string[];
}

/** Walk the SPF tree under `domain`. */
export async function analyzeSpf(dns: DnsLookup, domain: string): Promise<SpfAnalysis> {
  const includes = new Set<string>();
  const addresses: string[] = [];
  const problems: string[] = [];
  const visited = new Set<string>();
  let lookups = 0;
  let walked = 0;

  const records = await spfRecords(dns, domain);
  let all: SpfAnalysis['all'];

  async function walk(record: string, top: boolean): Promise<void> {
    walked += 1;
    for (const term of record.split(/\s+/).slice(1)) {
      const parsed = parseTerm(term);
      if (!parsed) continue;
      if (LOOKUP_TERMS.has(parsed.name)) lookups += 1;
      if (parsed.name === 'all' && top) all = parsed.qualifier;
      if ((parsed.name === 'ip4' || parsed.name === 'ip6') && parsed.value) addresses.push(parsed.value);
      if ((parsed.name === 'include' || parsed.name === 'redirect') && parsed.value) {
        const target = parsed.value.toLowerCase().replace(/\.$/, '');
        includes.add(target);
        if (visited.has(target) || walked >= MAX_RECORDS) continue;
        visited.add(target);
        const nested = await spfRecords(dns, target);
        if (nested.length !== 1) {
          problems.push(
            nested.length === 0
              ? `${parsed.name} ${target} has no SPF record (permerror)`
              : `${target} has ${nested.length} SPF records (permerror)`,
          );
          continue;
        }
        // A redirect replaces the rest of the record, `all` included (RFC 7208 §6.1).
        await walk(nested[0]!, top && parsed.name === 'redirect');
      }
    }
  }

  if (records.length === 1) {
    visited.add(domain.toLowerCase());
    await walk(records[0]!, true);
  } else if (records.length > 1) {
    problems.push(`${domain} has ${records.length} SPF records; receivers treat that as a permanent error`);
  }
  return { records, lookups, includes, addresses, all, problems };
}

async function spfRecords(dns: DnsLookup, domain: string): Promise<string[]> {
  return (await txtOf(dns, domain))
    .filter((text) => /^v=spf1(\s|$)/i.test(text.trim()))
    .map((text) => text.trim());
}

interface Term {
  readonly qualifier: '-' | '~' | '?' | '+';
  readonly name: string;
  readonly value?: string;
}

/** `~all` → { '~', 'all' }; `include:x` → { '+', 'include', 'x' }; `redirect=x` → { '+', 'redirect', 'x' }. */
function parseTerm(term: string): Term | undefined {
  const match = /^([-~?+]?)([a-z0-9]+)(?:[:=](\S*))?/i.exec(term);
  if (!match) return undefined;
  const qualifier = (match[1] || '+') as Term['qualifier'];
  return { qualifier, name: match[2]!.toLowerCase(), ...(match[3] ? { value: match[3] } : {}) };
}

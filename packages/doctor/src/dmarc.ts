/**
 * DMARC (RFC 7489): the policy record at `_dmarc.<domain>`, else at the organizational domain's
 * (§6.6.3), and identifier alignment (§3.1): a DKIM `d=` or Return-Path domain is aligned when it
 * equals the From domain (strict) or shares its organizational domain (relaxed, the default).
 * See docs/doctor.md#domain-checks.
 */
import { getDomain } from 'tldts';
import { type DnsLookup, txtOf } from './dns.js';

/** A DMARC policy as receivers apply it to mail from one domain. */
export interface DmarcPolicy {
  /** The record as published. */
  readonly record: string;
  /** Where it was found (`_dmarc.example.com`). */
  readonly at: string;
  /** The policy that applies to this domain: `sp=` when found at the organizational domain for a subdomain. */
  readonly policy: 'none' | 'quarantine' | 'reject';
  /** DKIM alignment mode (`adkim=`), relaxed unless `s`. */
  readonly dkimAlignment: 'relaxed' | 'strict';
  /** SPF alignment mode (`aspf=`), relaxed unless `s`. */
  readonly spfAlignment: 'relaxed' | 'strict';
}

/** The organizational domain (RFC 7489 §3.2), from the Public Suffix List; the domain itself when unknown. */
export function organizationalDomain(domain: string): string {
  return getDomain(domain) ?? domain.toLowerCase();
}

/** Whether `identifier` (a DKIM d= or Return-Path domain) aligns with `fromDomain` in `mode`. */
export function aligned(identifier: string, fromDomain: string, mode: 'relaxed' | 'strict'): boolean {
  const a = identifier.toLowerCase();
  const b = fromDomain.toLowerCase();
  if (mode === 'strict') return a === b;
  return organizationalDomain(a) === organizationalDomain(b);
}

/** The DMARC policy for mail from `domain`, or undefined when none is published (or the record is unusable). */
export async function findDmarc(
  dns: DnsLookup,
  domain: string,
): Promise<DmarcPolicy | { problem: string } | undefined> {
  const own = await dmarcRecords(dns, domain);
  const organization = organizationalDomain(domain);
  const inherited = own.length === 0 && organization !== domain ? await dmarcRecords(dns, organization) : [];
  const records = own.length > 0 ? own : inherited;
  const at = `_dmarc.${own.length > 0 ? domain : organization}`;
  if (records.length === 0) return undefined;
  if (records.length > 1)
    return { problem: `${at} has ${records.length} DMARC records; receivers ignore them all` };
  const tags = parseTags(records[0]!);
  const p = tags.get('p');
  const sp = own.length === 0 ? tags.get('sp') : undefined;
  const policy = normalizePolicy(sp ?? p);
  if (!policy) return { problem: `${at}: p=${p ?? '(missing)'} is not none, quarantine or reject` };
  return {
    record: records[0]!,
    at,
    policy,
    dkimAlignment: tags.get('adkim') === 's' ? 'strict' : 'relaxed',
    spfAlignment: tags.get('aspf') === 's' ? 'strict' : 'relaxed',
  };
}

async function dmarcRecords(dns: DnsLookup, domain: string): Promise<string[]> {
  return (await txtOf(dns, `_dmarc.${domain}`)).filter((text) => /^v=DMARC1\s*(;|$)/i.test(text.trim()));
}

/** `v=DMARC1; p=reject; adkim=s` → tag map, names lower case. */
export function parseTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    tags.set(part.slice(0, index).trim().toLowerCase(), part.slice(index + 1).trim());
  }
  return tags;
}

function normalizePolicy(value: string | undefined): DmarcPolicy['policy'] | undefined {
  const lower = value?.toLowerCase();
  return lower === 'none' || lower === 'quarantine' || lower === 'reject' ? lower : undefined;
}

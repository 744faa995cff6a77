/**
 * The DNS questions the doctor asks, over Node's resolver. Absent records (NXDOMAIN, no data) are
 * an empty answer, not an error: "no DMARC record" is a finding. Only a server that cannot answer
 * (timeout, refused, unreachable) is an error, reported as such in the check that needed it.
 */
import { Resolver } from 'node:dns/promises';
import { ConfigurationError } from '@mailover/core';

/** The lookups the doctor makes; Node's `dns.promises.Resolver` has them all. */
export interface DnsLookup {
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
}

/** Codes that mean "the name or record does not exist", which is an answer. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

/** A DNS server that did not give an answer: the check says so instead of guessing. */
export class DnsUnavailableError extends Error {
  override name = 'DnsUnavailableError';
}

/** Most CNAME hops followed before a chain is called a loop. */
const MAX_CNAME_HOPS = 8;

/** A resolver asking `server` (`host:port`, or `host`) or the system's servers, each query bounded by `timeoutMs`. */
export function createLookup(server: string | DnsLookup | undefined, timeoutMs: number): DnsLookup {
  if (server !== undefined && typeof server !== 'string') return server;
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (server !== undefined) resolver.setServers([parseServer(server)]);
  return resolver;
}

/** `127.0.0.1:5353`, `[::1]:5353` or a bare address; anything else is a ConfigurationError naming `resolver`. */
export function parseServer(server: string): string {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([0-9.]+|[0-9a-fA-F:]+))(?::(\d{1,5}))?$/.exec(server.trim());
  const port = match?.[3] === undefined ? 53 : Number(match[3]);
  if (!match || port < 1 || port > 65_535) {
    throw new ConfigurationError(
      `doctor: resolver '${server}' is not an IP address with an optional port; give it as 127.0.0.1:5353 or [::1]:5353.`,
    );
  }
  const host = match[1] ?? match[2]!;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Run a lookup; absent → empty list; a failing server → DnsUnavailableError. */
async function ask<T>(name: string, type: string, lookup: () => Promise<T[]>): Promise<T[]> {
  try {
    return await lookup();
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (ABSENT.has(code)) return [];
    throw new DnsUnavailableError(
      `${type} ${name}: the DNS server did not answer (${code || String(error)})`,
    );
  }
}

/** The CNAME target of `name`, or undefined when it has none. */
export async function cnameOf(dns: DnsLookup, name: string): Promise<string | undefined> {
  const targets = await ask(name, 'CNAME', () => dns.resolveCname(name));
  return targets[0]?.toLowerCase().replace(/\.$/, '');
}

/**
 * TXT strings at `name`, each record's chunks joined (RFC 7208 §3.3), after following CNAMEs
 * ourselves: an authoritative server does not chase a CNAME into a zone it does not serve.
 */
export async function txtOf(dns: DnsLookup, name: string): Promise<string[]> {
  let current = name;
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    const records = await ask(current, 'TXT', () => dns.resolveTxt(current));
    if (records.length > 0) return records.map((chunks) => chunks.join(''));
    const target = await cnameOf(dns, current);
    if (target === undefined) return [];
    current = target;
  }
  return [];
}

/** MX hosts of `name`, lowest preference first. */
export async function mxOf(dns: DnsLookup, name: string): Promise<{ exchange: string; priority: number }[]> {
  const records = await ask(name, 'MX', () => dns.resolveMx(name));
  return records
    .map((record) => ({
      exchange: record.exchange.toLowerCase().replace(/\.$/, ''),
      priority: record.priority,
    }))
    .sort((a, b) => a.priority - b.priority);
}

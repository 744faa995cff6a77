/**
 * `checkDomain()`: can each provider of a failover chain send as this domain? Domain checks first
 * (MX, SPF, DMARC), then each provider's (its API where credentials are given, then its DNS
 * records). What is checked and why: docs/doctor.md.
 */
import { ConfigurationError } from '@mailover/core';
import { providerFacts } from './api/index.js';
import { findDmarc } from './dmarc.js';
import { createLookup, type DnsLookup, mxOf } from './dns.js';
import { checkProvider } from './provider-checks.js';
import { analyzeSpf, SPF_LOOKUP_LIMIT } from './spf.js';
import {
  type Check,
  type CheckDomainOptions,
  DOCTOR_PROVIDER_KINDS,
  type DoctorProvider,
  type DoctorProviderKind,
  type DomainReport,
  type ProviderReport,
} from './types.js';

const DEFAULT_CHAIN: readonly DoctorProviderKind[] = ['sendgrid', 'ses', 'mailgun', 'postmark'];
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/** Check `domain` (the From domain) for every provider of the chain. */
export async function checkDomain(domain: string, options: CheckDomainOptions = {}): Promise<DomainReport> {
  const from = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(from)) {
    throw new ConfigurationError(
      `doctor: '${domain}' is not a domain name; give the domain of your From address, e.g. example.com`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigurationError(
      `doctor: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`,
    );
  }
  const providers = resolveChain(options.providers);
  const dns = createLookup(options.resolver, timeoutMs);

  const [mx, spf, dmarc] = await Promise.all([
    mxCheck(dns, from),
    spfChecks(dns, from),
    dmarcLookup(dns, from),
  ]);
  const reports: ProviderReport[] = await Promise.all(
    providers.map(async (provider) => {
      if (!isKnown(provider.kind)) return unknownProvider(provider);
      const known = provider as DoctorProvider & { kind: DoctorProviderKind };
      const outcome = await providerFacts(known, from, options, timeoutMs);
      return checkProvider(known, outcome, { dns, from, dmarc: dmarc.policy });
    }),
  );
  const checks = [mx, ...spf, dmarc.check];
  const ok = [...checks, ...reports.flatMap((report) => report.checks)].every(
    (check) => check.status !== 'fail',
  );
  return { domain: from, ok, checks, providers: reports };
}

function isKnown(kind: string): kind is DoctorProviderKind {
  return (DOCTOR_PROVIDER_KINDS as readonly string[]).includes(kind);
}

/** Names, settings, or mailover providers (their `kind` and `id`) → settings; duplicates are refused. */
function resolveChain(
  given: CheckDomainOptions['providers'],
): (DoctorProvider | { kind: string; id: string })[] {
  const chain = (given ?? DEFAULT_CHAIN).map((entry) => {
    if (typeof entry === 'string') {
      if (!isKnown(entry)) {
        throw new ConfigurationError(
          `doctor: unknown provider '${entry}' in providers; the doctor knows ${DOCTOR_PROVIDER_KINDS.join(', ')}`,
        );
      }
      return { kind: entry };
    }
    if (typeof entry?.kind !== 'string') {
      throw new ConfigurationError(
        'doctor: each entry of providers needs a kind (sendgrid, ses, mailgun, postmark, smtp)',
      );
    }
    return entry;
  });
  if (chain.length === 0)
    throw new ConfigurationError('doctor: providers is empty; name at least one provider');
  const ids = new Set<string>();
  for (const provider of chain) {
    const id = provider.id ?? provider.kind;
    if (ids.has(id))
      throw new ConfigurationError(`doctor: provider id '${id}' appears twice in providers; give each an id`);
    ids.add(id);
  }
  return chain;
}

function unknownProvider(provider: { kind: string; id?: string }): ProviderReport {
  const id = provider.id ?? provider.kind;
  const summary = `${id}: the doctor does not know the records of a '${provider.kind}' provider`;
  return {
    id,
    kind: provider.kind,
    verdict: 'unknown',
    summary,
    checks: [{ id: 'dkim', status: 'skipped', summary }],
  };
}

async function mxCheck(dns: DnsLookup, from: string): Promise<Check> {
  try {
    const records = await mxOf(dns, from);
    const usable = records.filter((mx) => mx.exchange !== '' && mx.exchange !== '.');
    return usable.length > 0
      ? {
          id: 'mx',
          status: 'pass',
          summary: `${from} receives mail at ${usable.map((mx) => mx.exchange).join(', ')}`,
          records: usable.map((mx) => `MX ${mx.priority} ${mx.exchange}`),
        }
      : {
          id: 'mx',
          status: 'warn',
          summary: `${from} has no MX: replies and bounces to it go nowhere, and some receivers refuse senders whose domain cannot receive`,
        };
  } catch (error) {
    return failedLookup('mx', error);
  }
}

async function spfChecks(dns: DnsLookup, from: string): Promise<Check[]> {
  try {
    const spf = await analyzeSpf(dns, from);
    const docs = 'https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4';
    if (spf.records.length === 0) {
      return [
        {
          id: 'spf',
          status: 'warn',
          summary: `${from} publishes no SPF record; mail using it as Return-Path fails SPF`,
        },
      ];
    }
    const record: Check =
      spf.problems.length > 0
        ? { id: 'spf', status: 'fail', summary: spf.problems.join('; '), records: spf.records, docs }
        : { id: 'spf', status: 'pass', summary: `${from} has one SPF record`, records: spf.records };
    const lookups: Check =
      spf.lookups > SPF_LOOKUP_LIMIT
        ? {
            id: 'spf-lookups',
            status: 'fail',
            summary: `SPF needs ${spf.lookups} DNS lookups, over the limit of ${SPF_LOOKUP_LIMIT}: receivers return permerror and SPF fails for every sender; flatten or drop includes`,
            docs,
          }
        : {
            id: 'spf-lookups',
            status: 'pass',
            summary: `SPF needs ${spf.lookups} of at most ${SPF_LOOKUP_LIMIT} DNS lookups`,
          };
    const all: Check =
      spf.all === '+'
        ? {
            id: 'spf-all',
            status: 'fail',
            summary: '+all lets any server on the internet pass SPF as this domain',
          }
        : spf.all === '-' || spf.all === '~'
          ? {
              id: 'spf-all',
              status: 'pass',
              summary: `ends in ${spf.all}all: other servers ${spf.all === '-' ? 'fail' : 'soft-fail'}`,
            }
          : {
              id: 'spf-all',
              status: 'warn',
              summary: `${spf.all === '?' ? 'ends in ?all (neutral)' : 'has no all term'}: servers not listed are not refused`,
            };
    return [record, lookups, all];
  } catch (error) {
    return [failedLookup('spf', error)];
  }
}

async function dmarcLookup(dns: DnsLookup, from: string) {
  try {
    const found = await findDmarc(dns, from);
    const docs = 'https://www.rfc-editor.org/rfc/rfc7489#section-6.3';
    if (found === undefined) {
      return {
        policy: undefined,
        check: {
          id: 'dmarc',
          status: 'warn',
          summary: `no DMARC record at _dmarc.${from}; Gmail and Yahoo require one from bulk senders`,
          docs,
        } satisfies Check,
      };
    }
    if ('problem' in found)
      return {
        policy: undefined,
        check: { id: 'dmarc', status: 'fail', summary: found.problem, docs } satisfies Check,
      };
    return {
      policy: found,
      check: {
        id: 'dmarc',
        status: found.policy === 'none' ? 'warn' : 'pass',
        summary: `${found.at}: p=${found.policy}, DKIM alignment ${found.dkimAlignment}, SPF alignment ${found.spfAlignment}${found.policy === 'none' ? ' (monitoring only)' : ''}`,
        records: [found.record],
        docs,
      } satisfies Check,
    };
  } catch (error) {
    return { policy: undefined, check: failedLookup('dmarc', error) };
  }
}

function failedLookup(id: string, error: unknown): Check {
  return {
    id,
    status: 'fail',
    summary: `could not be checked: ${error instanceof Error ? error.message : String(error)}`,
  };
}

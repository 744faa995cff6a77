/**
 * The checks of one provider in the chain: DKIM keys and their alignment, the Return-Path, SPF
 * authorization at the envelope domain, and whether DMARC would pass for its mail.
 * docs/doctor.md#per-provider-checks says what each means and why.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { aligned, type DmarcPolicy } from './dmarc.js';
import { cnameOf, type DnsLookup, mxOf, txtOf } from './dns.js';
import type { ExpectedDkim, FactsOutcome } from './facts.js';
import { endsWithDomain, PROFILES, type ProviderProfile } from './profiles.js';
import { analyzeSpf, SPF_LOOKUP_LIMIT } from './spf.js';
import type { Check, DoctorProvider, DoctorProviderKind, ProviderReport } from './types.js';

/** What the per-provider checks share. */
export interface ProviderContext {
  readonly dns: DnsLookup;
  /** The From domain, lower case. */
  readonly from: string;
  /** The DMARC policy, when one is published and usable. */
  readonly dmarc: DmarcPolicy | undefined;
}

type DkimState = 'aligned' | 'unaligned' | 'missing' | 'unknown';

/** Run every check of one provider and give the verdict. */
export async function checkProvider(
  provider: DoctorProvider & { readonly kind: DoctorProviderKind },
  outcome: FactsOutcome,
  context: ProviderContext,
): Promise<ProviderReport> {
  const id = provider.id ?? provider.kind;
  const profile = PROFILES[provider.kind];
  const facts = outcome.status === 'ok' ? outcome.facts : undefined;
  const checks: Check[] = [verifiedCheck(id, outcome)];

  const sendingDomain = (provider.sendingDomain ?? facts?.sendingDomain ?? context.from).toLowerCase();
  const dkim = await guarded('dkim', () =>
    dkimCheck(id, provider, profile, facts?.dkim, sendingDomain, context),
  );
  checks.push(dkim.check);

  const returnPath = (
    provider.returnPathDomain ??
    facts?.returnPathDomain ??
    (provider.kind === 'mailgun' ? sendingDomain : profile.defaultReturnPath?.(context.from))
  )?.toLowerCase();
  const path = await guarded('return-path', () => returnPathCheck(id, profile, returnPath, context));
  checks.push(path.check);

  const spf = await guarded('spf-authorized', () =>
    spfCheck(id, provider, profile, path.usable ? returnPath : undefined, context),
  );
  checks.push(spf.check);

  checks.push(dmarcCheck(id, dkim.state, spf.aligned, dkim.signingDomain, spf.envelope, context));
  return verdict(id, provider.kind, checks, dkim.state);
}

function verifiedCheck(id: string, outcome: FactsOutcome): Check {
  if (outcome.status !== 'ok') {
    return {
      id: 'verified',
      status: outcome.status === 'skipped' ? 'skipped' : 'fail',
      summary: outcome.reason,
    };
  }
  const { facts } = outcome;
  return {
    id: 'verified',
    status: facts.verified ? 'pass' : 'fail',
    summary: facts.verified
      ? `${id}: ${facts.summary}`
      : `${id} will not send as this domain: ${facts.summary}`,
  };
}

interface DkimResult {
  readonly check: Check;
  readonly state: DkimState;
  readonly signingDomain?: string;
}

async function dkimCheck(
  id: string,
  provider: DoctorProvider & { readonly kind: DoctorProviderKind },
  profile: ProviderProfile,
  fromApi: readonly ExpectedDkim[] | undefined,
  sendingDomain: string,
  context: ProviderContext,
): Promise<DkimResult> {
  const expected: readonly ExpectedDkim[] =
    provider.dkimSelectors?.map((selector) => selectorRecord(provider.kind, selector, sendingDomain)) ??
    fromApi ??
    profile.defaultSelectors.map((selector) => selectorRecord(provider.kind, selector, sendingDomain));
  if (expected.length === 0) {
    return {
      state: 'unknown',
      check: {
        id: 'dkim',
        status: 'warn',
        summary: `${id}: DKIM selector unknown; give its selectors (dkimSelectors, --dkim ${provider.kind}=…) or API credentials so the doctor can look them up`,
        docs: profile.docs,
      },
    };
  }
  const found: string[] = [];
  const problems: string[] = [];
  for (const record of expected) {
    const problem = await dkimProblem(context.dns, record, profile);
    if (problem) problems.push(problem);
    else found.push(record.host);
  }
  const complete = profile.allSelectors ? problems.length === 0 : found.length > 0;
  const records = expected.map((record) => record.host);
  if (!complete) {
    const shown = profile.allSelectors ? problems : problems.slice(0, 1);
    return {
      state: 'missing',
      check: {
        id: 'dkim',
        status: 'fail',
        summary: `${id}: ${shown.join('; ')}${profile.allSelectors ? '' : ` (tried ${records.length} selector${records.length === 1 ? '' : 's'})`}; without its key ${id} signs with its own domain, which does not align with ${context.from}`,
        records,
        docs: profile.docs,
      },
    };
  }
  const signingDomain = found[0]!.slice(found[0]!.indexOf('._domainkey.') + '._domainkey.'.length);
  const mode = context.dmarc?.dkimAlignment ?? 'relaxed';
  if (!aligned(signingDomain, context.from, mode)) {
    const enforcing = context.dmarc !== undefined && context.dmarc.policy !== 'none';
    return {
      state: 'unaligned',
      signingDomain,
      check: {
        id: 'dkim',
        status: enforcing ? 'fail' : 'warn',
        summary: `${id} signs as d=${signingDomain}, which does not align with ${context.from} under ${mode} DKIM alignment (adkim=${mode === 'strict' ? 's' : 'r'})`,
        records: found,
        docs: profile.docs,
      },
    };
  }
  return {
    state: 'aligned',
    signingDomain,
    check: {
      id: 'dkim',
      status: 'pass',
      summary: `${id}: DKIM key${found.length === 1 ? '' : 's'} published at ${found.join(', ')}; d=${signingDomain} aligns with ${context.from}`,
      records: found,
      docs: profile.docs,
    },
  };
}

/** The record a selector names: SES tokens are CNAMEs to `<token>.dkim.amazonses.com`. */
function selectorRecord(kind: DoctorProviderKind, selector: string, domain: string): ExpectedDkim {
  const host = `${selector}._domainkey.${domain}`;
  return kind === 'ses' ? { host, cname: `${selector}.dkim.amazonses.com` } : { host };
}

/** Why this DKIM record is not usable, or undefined when it is. */
async function dkimProblem(
  dns: DnsLookup,
  record: ExpectedDkim,
  profile: ProviderProfile,
): Promise<string | undefined> {
  if (profile.dkimCnameSuffix) {
    const target = await cnameOf(dns, record.host);
    if (target !== undefined) {
      const wanted = record.cname?.toLowerCase().replace(/\.$/, '');
      if (wanted ? target !== wanted : !endsWithDomain(target, profile.dkimCnameSuffix)) {
        return `${record.host} points to ${target}, not ${wanted ?? `a name under ${profile.dkimCnameSuffix}`}`;
      }
      return undefined;
    }
  }
  // A key published as TXT (Mailgun, Postmark, your relay; SendGrid without automated security).
  const key = (await txtOf(dns, record.host)).map(publicKey).find((value) => value !== undefined);
  if (key === undefined) return `no DKIM key at ${record.host}`;
  const wanted = record.txt === undefined ? undefined : publicKey(record.txt);
  if (wanted !== undefined && wanted !== key)
    return `${record.host} publishes a different key than the provider's`;
  return undefined;
}

/** The `p=` value of a DKIM key record (RFC 6376 §3.6.1); undefined when absent or revoked (empty). */
function publicKey(record: string): string | undefined {
  const match = /(?:^|;)\s*p=([^;]*)/i.exec(record);
  const value = match?.[1]?.replace(/\s+/g, '');
  return value ? value : undefined;
}

interface ReturnPathResult {
  readonly check: Check;
  /** The Return-Path domain is set up and points at the provider. */
  readonly usable: boolean;
}

async function returnPathCheck(
  id: string,
  profile: ProviderProfile,
  returnPath: string | undefined,
  context: ProviderContext,
): Promise<ReturnPathResult> {
  const { dns } = context;
  if (returnPath === undefined) {
    return {
      usable: false,
      check: {
        id: 'return-path',
        status: 'skipped',
        summary: `${id}: the Return-Path domain is known only to its API; give API credentials or returnPathDomain`,
        docs: profile.docs,
      },
    };
  }
  /** Usable (pass) or not (warn: bounces then use the provider's own domain). */
  const judged = (ok: boolean, summary: string, records: string[], docs: string): ReturnPathResult => ({
    usable: ok,
    check: { id: 'return-path', status: ok ? 'pass' : 'warn', summary, records, docs },
  });
  if (profile.returnPathCnameSuffix) {
    const suffix = profile.returnPathCnameSuffix;
    const target = await cnameOf(dns, returnPath);
    const ok = target !== undefined && endsWithDomain(target, suffix);
    return judged(
      ok,
      ok
        ? `${id}: Return-Path ${returnPath} → ${target}`
        : `${id}: ${returnPath} ${target ? `points to ${target}, not` : 'has no CNAME to'} ${suffix}; bounces use ${id}'s own domain, so SPF cannot align`,
      target ? [`${returnPath} CNAME ${target}`] : [],
      profile.docs,
    );
  }
  if (profile.returnPathMxSuffix) {
    const suffix = profile.returnPathMxSuffix;
    const exchanges = await mxOf(dns, returnPath);
    const ok = exchanges.some((mx) => endsWithDomain(mx.exchange, suffix));
    return judged(
      ok,
      ok
        ? `${id}: custom MAIL FROM ${returnPath} has its MX at ${suffix}`
        : `${id}: MAIL FROM domain ${returnPath} has no MX under ${suffix}; ${id} falls back to its own domain`,
      exchanges.map((mx) => `${returnPath} MX ${mx.priority} ${mx.exchange}`),
      'https://docs.aws.amazon.com/ses/latest/dg/mail-from.html',
    );
  }
  // Mailgun and your own relay bounce to the sending domain itself: SPF there is what counts.
  return {
    usable: true,
    check: { id: 'return-path', status: 'pass', summary: `${id}: Return-Path domain ${returnPath}` },
  };
}

interface SpfResult {
  readonly check: Check;
  /** SPF passes for the envelope domain and that domain aligns with the From domain. */
  readonly aligned: boolean;
  readonly envelope?: string;
}

async function spfCheck(
  id: string,
  provider: DoctorProvider,
  profile: ProviderProfile,
  returnPath: string | undefined,
  context: ProviderContext,
): Promise<SpfResult> {
  const { dns } = context;
  const envelope = returnPath ?? context.from;
  const spfMode = context.dmarc?.spfAlignment ?? 'relaxed';
  const alignedEnvelope = aligned(envelope, context.from, spfMode);
  const delegated =
    returnPath !== undefined &&
    profile.returnPathCnameSuffix !== undefined &&
    (await cnameOf(dns, returnPath)) !== undefined;
  if (delegated) {
    return {
      aligned: alignedEnvelope,
      envelope,
      check: {
        id: 'spf-authorized',
        status: 'pass',
        summary: `${id}: SPF for ${envelope} is ${id}'s, by the CNAME`,
      },
    };
  }
  const analysis = await analyzeSpf(dns, envelope);
  const records = [...analysis.records];
  if (analysis.problems.length > 0 || analysis.lookups > SPF_LOOKUP_LIMIT) {
    const why = [
      ...analysis.problems,
      ...(analysis.lookups > SPF_LOOKUP_LIMIT
        ? [`${analysis.lookups} DNS lookups (limit ${SPF_LOOKUP_LIMIT})`]
        : []),
    ];
    return {
      aligned: false,
      envelope,
      check: {
        id: 'spf-authorized',
        status: 'fail',
        summary: `${id}: SPF at ${envelope} is broken: ${why.join('; ')}`,
        records,
      },
    };
  }
  const authorized = provider.ips
    ? provider.ips.length > 0 && provider.ips.every((ip) => addressCovered(ip, analysis.addresses))
    : profile.spfInclude !== undefined && analysis.includes.has(profile.spfInclude);
  const what = provider.ips
    ? provider.ips.join(', ')
    : profile.spfInclude
      ? `include:${profile.spfInclude}`
      : undefined;
  if (what === undefined) {
    return {
      aligned: false,
      envelope,
      check: {
        id: 'spf-authorized',
        status: 'skipped',
        summary: `${id}: no sending addresses given (ips), SPF not checked`,
      },
    };
  }
  return {
    // Without a known Return-Path the envelope is the provider's own domain: SPF cannot align.
    aligned: authorized && returnPath !== undefined && alignedEnvelope,
    envelope,
    check: {
      id: 'spf-authorized',
      status: authorized ? 'pass' : 'warn',
      summary: authorized
        ? `${id}: SPF at ${envelope} has ${what}`
        : `${id}: SPF at ${envelope} lacks ${what}; SPF fails for ${id}'s mail, so DMARC rests on DKIM alone`,
      records,
      docs: profile.docs,
    },
  };
}

/** Whether `ip` is inside one of SPF's ip4:/ip6: values. */
function addressCovered(ip: string, values: readonly string[]): boolean {
  const list = new BlockList();
  for (const value of values) {
    const [address = '', prefix] = value.split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    if (!type) continue;
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

function dmarcCheck(
  id: string,
  dkim: DkimState,
  spfAligned: boolean,
  signingDomain: string | undefined,
  envelope: string | undefined,
  context: ProviderContext,
): Check {
  const via = [
    ...(dkim === 'aligned' ? [`DKIM (d=${signingDomain})`] : []),
    ...(spfAligned ? [`SPF (${envelope})`] : []),
  ];
  if (via.length > 0) {
    return {
      id: 'dmarc-alignment',
      status: 'pass',
      summary: `${id}: DMARC passes through ${via.join(' and ')}`,
    };
  }
  if (dkim === 'unknown') {
    return {
      id: 'dmarc-alignment',
      status: 'warn',
      summary: `${id}: DMARC alignment unknown until its DKIM selector is known`,
    };
  }
  const policy = context.dmarc?.policy;
  const enforcing = policy === 'quarantine' || policy === 'reject';
  return {
    id: 'dmarc-alignment',
    status: enforcing ? 'fail' : 'warn',
    summary: enforcing
      ? `${id}: neither DKIM nor SPF aligns with ${context.from}; under p=${policy} its mail is ${policy === 'reject' ? 'rejected' : 'sent to spam'}`
      : `${id}: neither DKIM nor SPF aligns with ${context.from}; DMARC fails (${policy ? 'p=none: delivered, but reported' : 'no policy published'})`,
  };
}

function verdict(id: string, kind: string, checks: Check[], dkim: DkimState): ProviderReport {
  const failed = checks.find((check) => check.status === 'fail');
  if (failed) return { id, kind, verdict: 'not-ready', summary: failed.summary, checks };
  const verified = checks.find((check) => check.id === 'verified')!;
  if (dkim === 'aligned') {
    return {
      id,
      kind,
      verdict: 'ready',
      summary: `${id} can send as this domain with aligned DKIM${verified.status === 'skipped' ? ' (its API was not asked: no credentials)' : ''}`,
      checks,
    };
  }
  const warned = checks.find((check) => check.status === 'warn');
  return { id, kind, verdict: 'unknown', summary: warned?.summary ?? verified.summary, checks };
}

/** A check that could not run because DNS did not answer: a failure that says so. */
async function guarded<T extends { readonly check: Check }>(id: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    return {
      check: {
        id,
        status: 'fail',
        summary: `could not be checked: ${error instanceof Error ? error.message : String(error)}`,
      },
      state: 'unknown',
      usable: false,
      aligned: false,
    } as unknown as T;
  }
}

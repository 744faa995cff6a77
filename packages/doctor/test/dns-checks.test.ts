import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, nsdUnavailableReason, startNsd } from '../../../test/dns-server/nsd.js';
import { createMailer } from '@mailover/core';
import { mockProvider } from '@mailover/core/testing';
import { checkDomain, type DomainReport, type ProviderReport, preflight } from '../src/index.js';
import { POSTMARK_SELECTOR, SES_TOKENS, ZONES } from './zones.js';

const unavailable = nsdUnavailableReason();
if (unavailable) console.log(`doctor DNS checks SKIPPED: ${unavailable}`);

const check = (report: DomainReport, id: string, provider?: string) =>
  (provider ? report.providers.find((entry) => entry.id === provider)?.checks : report.checks)?.find(
    (entry) => entry.id === id,
  );

describe.skipIf(unavailable !== undefined)('checkDomain against a real DNS server (NSD on loopback)', () => {
  let server: DnsServer;
  beforeAll(async () => {
    server = await startNsd(ZONES);
  });
  afterAll(() => server?.stop());

  const chain = [
    { kind: 'sendgrid', returnPathDomain: 'em4821.good.test' },
    { kind: 'ses', dkimSelectors: SES_TOKENS, returnPathDomain: 'bounce.good.test' },
    { kind: 'mailgun' },
    { kind: 'postmark', dkimSelectors: [POSTMARK_SELECTOR] },
  ] as const;

  it('a domain set up for all four providers: every provider ready, no failure', async () => {
    const report = await checkDomain('good.test', { resolver: server.address, providers: chain });
    expect(report.ok).toBe(true);
    expect(report.providers.map((provider) => [provider.id, provider.verdict])).toEqual([
      ['sendgrid', 'ready'],
      ['ses', 'ready'],
      ['mailgun', 'ready'],
      ['postmark', 'ready'],
    ]);
    expect(check(report, 'mx')).toMatchObject({ status: 'pass', records: ['MX 10 mx1.good.test'] });
    expect(check(report, 'dmarc')?.summary).toContain('p=reject');
    expect(check(report, 'spf-lookups')).toMatchObject({ status: 'pass' });
    expect(check(report, 'dkim', 'sendgrid')?.records).toEqual([
      's1._domainkey.good.test',
      's2._domainkey.good.test',
    ]);
    expect(check(report, 'return-path', 'ses')).toMatchObject({ status: 'pass' });
    expect(check(report, 'spf-authorized', 'ses')?.summary).toContain('include:amazonses.com');
    expect(check(report, 'dmarc-alignment', 'postmark')?.summary).toMatch(
      /DKIM \(d=good\.test\) and SPF \(pm-bounces\.good\.test\)/,
    );
    // No credentials: the provider side is skipped, and says so.
    expect(check(report, 'verified', 'sendgrid')).toMatchObject({ status: 'skipped' });
    expect(check(report, 'verified', 'sendgrid')?.summary).toContain('SENDGRID_API_KEY');
  });

  it('a domain with no records: every provider not ready, SPF and DMARC warned', async () => {
    const report = await checkDomain('missing.test', { resolver: server.address, providers: chain });
    expect(report.ok).toBe(false);
    expect(report.providers.every((provider) => provider.verdict === 'not-ready')).toBe(true);
    expect(check(report, 'spf')).toMatchObject({ status: 'warn' });
    expect(check(report, 'dmarc')).toMatchObject({ status: 'warn' });
    expect(check(report, 'dkim', 'sendgrid')?.summary).toContain('no DKIM key at s1._domainkey.missing.test');
    expect(check(report, 'return-path', 'postmark')?.summary).toContain(
      'pm-bounces.missing.test has no CNAME',
    );
  });

  it('DKIM records that point at another account are caught, per provider', async () => {
    const report = await checkDomain('misaligned.test', {
      resolver: server.address,
      providers: [{ kind: 'sendgrid' }, { kind: 'ses', dkimSelectors: SES_TOKENS }],
    });
    expect(report.providers.map((provider) => provider.verdict)).toEqual(['not-ready', 'not-ready']);
    expect(check(report, 'dkim', 'sendgrid')?.summary).toContain(
      's1._domainkey.misaligned.test points to s1.domainkey.u99.wl.mailchannels.net, not a name under sendgrid.net',
    );
    expect(check(report, 'dkim', 'ses')?.summary).toContain(`not ${SES_TOKENS[0]}.dkim.amazonses.com`);
    // p=quarantine and nothing aligned: the provider's mail goes to spam.
    expect(check(report, 'dmarc-alignment', 'ses')).toMatchObject({ status: 'fail' });
  });

  it('SPF over ten DNS lookups (counted through nested includes) fails', async () => {
    const report = await checkDomain('lookups.test', { resolver: server.address, providers: ['sendgrid'] });
    expect(check(report, 'spf-lookups')).toMatchObject({ status: 'fail' });
    expect(check(report, 'spf-lookups')?.summary).toContain('11 DNS lookups');
    expect(report.ok).toBe(false);
  });

  it('SPF through redirect=: its includes, lookups and all qualifier are followed', async () => {
    const report = await checkDomain('redirect.test', { resolver: server.address, providers: ['sendgrid'] });
    expect(check(report, 'spf-lookups')?.summary).toBe('SPF needs 2 of at most 10 DNS lookups');
    expect(check(report, 'spf-all')?.summary).toContain('ends in -all');
    expect(check(report, 'spf-authorized', 'sendgrid')?.summary).toContain('has include:sendgrid.net');
  });

  it('DMARC p=reject with strict alignment: Mailgun signing as a subdomain is not ready', async () => {
    const report = await checkDomain('strict.test', {
      resolver: server.address,
      providers: [{ kind: 'mailgun', sendingDomain: 'mg.strict.test' }],
    });
    const mailgun = report.providers[0]!;
    expect(mailgun.verdict).toBe('not-ready');
    expect(check(report, 'dkim', 'mailgun')?.summary).toContain('d=mg.strict.test');
    expect(check(report, 'dkim', 'mailgun')?.summary).toContain('strict DKIM alignment');
    expect(check(report, 'dmarc-alignment', 'mailgun')?.summary).toContain(
      'under p=reject its mail is rejected',
    );
    // The same keys pass under relaxed alignment: the strict policy is what fails it.
    const relaxed = await checkDomain('good.test', {
      resolver: server.address,
      providers: [{ kind: 'mailgun' }],
    });
    expect(relaxed.providers[0]!.verdict).toBe('ready');
  });

  it('your own SMTP relay: its addresses in SPF and its selector; an address outside SPF is a warning', async () => {
    const report = await checkDomain('good.test', {
      resolver: server.address,
      providers: [
        { kind: 'smtp', id: 'relay', ips: ['192.0.2.25'], dkimSelectors: ['relay'] },
        { kind: 'smtp', id: 'other-relay', ips: ['198.51.100.7'], dkimSelectors: ['relay'] },
      ],
    });
    expect(report.providers[0]).toMatchObject({ id: 'relay', verdict: 'ready' });
    expect(check(report, 'spf-authorized', 'relay')?.summary).toContain('SPF at good.test has 192.0.2.25');
    expect(check(report, 'spf-authorized', 'other-relay')).toMatchObject({ status: 'warn' });
    expect(check(report, 'verified', 'relay')?.summary).toContain('no provider API to ask');
  });

  it('preflight(mailer): the chain the mailer was created with, a warning for each provider not ready', async () => {
    const mailer = createMailer({
      providers: [
        mockProvider({ id: 'primary', kind: 'sendgrid' }),
        mockProvider({ id: 'backup', kind: 'postmark' }),
        mockProvider({ id: 'in-house', kind: 'mock' }),
      ],
    });
    const warned: ProviderReport[] = [];
    const report = await preflight(mailer, 'good.test', {
      resolver: server.address,
      settings: { backup: { dkimSelectors: ['nope'] } },
      onWarning: (provider) => warned.push(provider),
    });
    expect(report.providers.map((provider) => [provider.id, provider.verdict])).toEqual([
      ['primary', 'ready'],
      ['backup', 'not-ready'],
      ['in-house', 'unknown'],
    ]);
    expect(warned.map((provider) => provider.id)).toEqual(['backup', 'in-house']);
    expect(warned[0]?.summary).toContain('no DKIM key at nope._domainkey.good.test');
    expect(warned[1]?.summary).toContain("does not know the records of a 'mock' provider");
    await mailer.close();
  });

  it('a DNS server that does not answer: the checks fail saying so, never pass', async () => {
    const report = await checkDomain('good.test', {
      resolver: '127.0.0.1:9',
      timeoutMs: 200,
      providers: ['sendgrid'],
    });
    expect(report.ok).toBe(false);
    expect(check(report, 'mx')?.summary).toMatch(
      /could not be checked: MX good\.test: the DNS server did not answer/,
    );
  });
});

describe('checkDomain options', () => {
  it('refuses bad input with the option named', async () => {
    await expect(checkDomain('not a domain')).rejects.toThrow(/is not a domain name/);
    await expect(checkDomain('example.com', { providers: ['sendgird' as 'sendgrid'] })).rejects.toThrow(
      /unknown provider 'sendgird' in providers/,
    );
    await expect(checkDomain('example.com', { timeoutMs: Number.NaN })).rejects.toThrow(/timeoutMs/);
    await expect(checkDomain('example.com', { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    await expect(checkDomain('example.com', { resolver: 'dns.example:53' })).rejects.toThrow(/resolver/);
    await expect(checkDomain('example.com', { providers: [] })).rejects.toThrow(/providers is empty/);
  });
});

import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, nsdUnavailableReason, startNsd } from '../../../test/dns-server/nsd.js';
import { type CheckDomainOptions, checkDomain, type DomainReport } from '../src/index.js';
import { SES_TOKENS, ZONES } from './zones.js';

const unavailable = nsdUnavailableReason();
if (unavailable) console.log(`doctor provider-side checks SKIPPED: ${unavailable}`);

const check = (report: DomainReport, provider: string, id: string) =>
  report.providers.find((entry) => entry.id === provider)?.checks.find((entry) => entry.id === id);

describe.skipIf(unavailable !== undefined)(
  'provider-side checks through the official SDKs, against the sandbox',
  () => {
    let server: DnsServer;
    let sandbox: Sandbox;
    let options: CheckDomainOptions;
    beforeAll(async () => {
      server = await startNsd(ZONES);
      sandbox = await startSandbox({
        domains: [
          { name: 'good.test', sesDkimTokens: SES_TOKENS, sesMailFromDomain: 'bounce.good.test' },
          // Added at SendGrid and SES but never verified; unknown to Mailgun and Postmark.
          { name: 'missing.test', providers: { sendgrid: 'pending', ses: 'pending' } },
        ],
      });
      const { sendgrid, ses, mailgun, postmark } = sandbox.credentials;
      options = {
        resolver: server.address,
        providers: (['sendgrid', 'ses', 'mailgun', 'postmark'] as const).map((kind) => ({
          kind,
          endpoint: sandbox.endpoints[kind],
        })),
        credentials: {
          sendgrid,
          ses,
          mailgun: { apiKey: mailgun.apiKey },
          postmark: { accountToken: postmark.accountToken! },
        },
      };
    });
    afterAll(async () => {
      await sandbox?.close();
      await server?.stop();
    });

    it('a verified domain: each API says so and names the records, which DNS then confirms', async () => {
      const report = await checkDomain('good.test', options);
      expect(report.providers.map((provider) => [provider.id, provider.verdict])).toEqual([
        ['sendgrid', 'ready'],
        ['ses', 'ready'],
        ['mailgun', 'ready'],
        ['postmark', 'ready'],
      ]);
      expect(report.ok).toBe(true);
      expect(check(report, 'sendgrid', 'verified')?.summary).toMatch(
        /domain authentication \d+ for good\.test is valid/,
      );
      // The return paths came from the APIs: SendGrid's em4821 subdomain, SES's custom MAIL FROM.
      expect(check(report, 'sendgrid', 'return-path')?.summary).toContain(
        'em4821.good.test → u1234567.wl123.sendgrid.net',
      );
      expect(check(report, 'ses', 'return-path')).toMatchObject({ status: 'pass' });
      expect(check(report, 'ses', 'verified')?.summary).toContain(
        'verified for sending, DKIM SUCCESS, MAIL FROM bounce.good.test SUCCESS',
      );
      // Postmark's dated selector is known only from its API.
      expect(check(report, 'postmark', 'dkim')?.records).toEqual(['20240117112233pm._domainkey.good.test']);
      expect(check(report, 'mailgun', 'verified')?.summary).toContain('domain good.test is active');
    });

    it('a domain the providers have not verified: each one not ready, in its own words', async () => {
      const report = await checkDomain('missing.test', options);
      expect(report.providers.every((provider) => provider.verdict === 'not-ready')).toBe(true);
      expect(check(report, 'sendgrid', 'verified')?.summary).toContain('is not validated yet');
      expect(check(report, 'ses', 'verified')?.summary).toContain('not verified for sending');
      expect(check(report, 'mailgun', 'verified')?.summary).toContain(
        'missing.test is not a domain of this Mailgun account',
      );
      expect(check(report, 'postmark', 'verified')?.summary).toContain(
        'neither a domain nor a confirmed sender signature',
      );
      // A domain SES has never heard of: GetEmailIdentity's NotFoundException, in words.
      const unknown = await checkDomain('strict.test', { ...options, providers: [options.providers![1]!] });
      expect(check(unknown, 'ses', 'verified')?.summary).toContain(
        'strict.test is not an email identity in us-east-1',
      );
    });

    it('credentials from the environment; a wrong key fails the check without showing the key', async () => {
      const report = await checkDomain('good.test', {
        resolver: server.address,
        providers: [
          { kind: 'sendgrid', endpoint: sandbox.endpoints.sendgrid },
          { kind: 'mailgun', endpoint: sandbox.endpoints.mailgun },
        ],
        env: {
          SENDGRID_API_KEY: sandbox.credentials.sendgrid.apiKey,
          MAILGUN_API_KEY: 'key-wrong-0123456789',
        },
      });
      expect(check(report, 'sendgrid', 'verified')).toMatchObject({ status: 'pass' });
      const mailgun = check(report, 'mailgun', 'verified')!;
      expect(mailgun.status).toBe('fail');
      expect(mailgun.summary).toContain('mailgun: its API could not be asked');
      expect(JSON.stringify(report)).not.toContain('key-wrong-0123456789');
    });

    it('Resend: its domains API, paged through the SDK, names the DKIM key and the Return-Path, which DNS confirms', async () => {
      // 150 other domains first, so finding it takes a second page (`after` the first page's last id).
      const others = Array.from({ length: 150 }, (_, index) => ({ name: `other${index}.test` }));
      const resendSandbox = await startSandbox({
        domains: [
          ...others,
          { name: 'resend.test', providers: { resend: 'verified' } },
          { name: 'missing.test', providers: { resend: 'pending' } },
        ],
      });
      const resendOptions = (apiKey: string): CheckDomainOptions => ({
        resolver: server.address,
        providers: [{ kind: 'resend', endpoint: resendSandbox.endpoints.resend }],
        credentials: { resend: { apiKey } },
      });
      try {
        const good = await checkDomain('resend.test', resendOptions(resendSandbox.credentials.resend.apiKey));
        expect(good.providers.map((provider) => [provider.id, provider.verdict])).toEqual([
          ['resend', 'ready'],
        ]);
        expect(check(good, 'resend', 'verified')?.summary).toBe(
          'resend: domain resend.test verified (region us-east-1)',
        );
        expect(check(good, 'resend', 'dkim')).toMatchObject({
          status: 'pass',
          records: ['resend._domainkey.resend.test'],
        });
        // The API's relative record name `send`, qualified, and its MX at SES.
        expect(check(good, 'resend', 'return-path')).toMatchObject({ status: 'pass' });
        expect(check(good, 'resend', 'return-path')?.summary).toContain('send.resend.test');
        expect(check(good, 'resend', 'spf-authorized')).toMatchObject({ status: 'pass' });

        // Added but not verified: not ready, saying which records are pending.
        const pending = await checkDomain(
          'missing.test',
          resendOptions(resendSandbox.credentials.resend.apiKey),
        );
        const verified = check(pending, 'resend', 'verified')!;
        expect(verified.status).toBe('fail');
        expect(verified.summary).toContain(
          'domain missing.test is pending: SPF MX at send.missing.test pending',
        );
        expect(pending.providers[0]!.verdict).toBe('not-ready');

        // Unknown to the account, after reading every page.
        const unknown = await checkDomain(
          'strict.test',
          resendOptions(resendSandbox.credentials.resend.apiKey),
        );
        expect(check(unknown, 'resend', 'verified')?.summary).toContain(
          'strict.test is not a domain of this Resend account',
        );

        // A wrong key: the check fails naming Resend's answer, never the key.
        const wrong = await checkDomain('resend.test', resendOptions('re_wrong_0123456789'));
        const failed = check(wrong, 'resend', 'verified')!;
        expect(failed.status).toBe('fail');
        expect(failed.summary).toContain(
          'resend: its API could not be asked: Resend answered invalid_api_key',
        );
        expect(JSON.stringify(wrong)).not.toContain('re_wrong_0123456789');

        // The key from the environment, as RESEND_API_KEY.
        const fromEnv = await checkDomain('resend.test', {
          resolver: server.address,
          providers: [{ kind: 'resend', endpoint: resendSandbox.endpoints.resend }],
          env: { RESEND_API_KEY: resendSandbox.credentials.resend.apiKey },
        });
        expect(check(fromEnv, 'resend', 'verified')).toMatchObject({ status: 'pass' });
      } finally {
        await resendSandbox.close();
      }
    });

    it('a Postmark sender signature without a domain: verified for that address only', async () => {
      const signatures = await startSandbox({
        domains: [{ name: 'good.test', providers: {}, postmarkSenderSignatures: ['billing@good.test'] }],
      });
      try {
        const report = await checkDomain('good.test', {
          resolver: server.address,
          providers: [{ kind: 'postmark', endpoint: signatures.endpoints.postmark }],
          credentials: { postmark: { accountToken: signatures.credentials.postmark.accountToken! } },
        });
        expect(check(report, 'postmark', 'verified')?.summary).toContain(
          'billing@good.test (only these addresses can send)',
        );
      } finally {
        await signatures.close();
      }
    });
  },
);

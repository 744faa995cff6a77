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

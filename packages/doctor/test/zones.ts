/**
 * Zones the doctor's tests serve from a real NSD: one From domain per situation, and stand-ins for
 * the providers' own zones (their SPF records and DKIM targets), written as each provider documents
 * its records (docs/doctor.md#records).
 */
import type { Zones } from '../../../test/dns-server/nsd.js';

const KEY =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7vbqajDw4o6gJy8UtmIbkcpnkO3Kwc4qsEnSZp/TR+fQi62F79RHWmwKOtFmwteURgLbj7D/WGNqIBvMfyqQcUAL2Sr7IHl7AFQ6h4ErfN4XULFLa7LWsJ0NiOHRE+evuPp5Q3s2xhFSzZEDMDmSMPNKmsnUfnbvt0qOvVCKndQIDAQAB';
/** Postmark's selectors are a timestamp plus `pm`. */
export const POSTMARK_SELECTOR = '20240117112233pm';
/** Three Easy DKIM tokens, as SES hands them out. */
export const SES_TOKENS = [
  'abcdefghijklmnopqrstuvwxyz234567',
  'bcdefghijklmnopqrstuvwxyz2345678',
  'cdefghijklmnopqrstuvwxyz23456789',
];

/** The records of a domain set up for all four providers. */
function goodDomain(dmarc = 'v=DMARC1; p=reject; rua=mailto:dmarc@good.test'): string[] {
  return [
    '@ MX 10 mx1',
    'mx1 A 127.0.0.1',
    '@ TXT "v=spf1 ip4:192.0.2.0/24 include:sendgrid.net include:amazonses.com include:mailgun.org ~all"',
    // Your own relay: its address is in SPF above, its key under a selector of your choosing.
    `relay._domainkey TXT "v=DKIM1; k=rsa; p=${KEY}"`,
    `_dmarc TXT "${dmarc}"`,
    // SendGrid, automated security: the return path and two DKIM selectors are CNAMEs.
    'em4821 CNAME u1234567.wl123.sendgrid.net.',
    's1._domainkey CNAME s1.domainkey.u1234567.wl123.sendgrid.net.',
    's2._domainkey CNAME s2.domainkey.u1234567.wl123.sendgrid.net.',
    // SES: three Easy DKIM CNAMEs and a custom MAIL FROM domain.
    ...SES_TOKENS.map((token) => `${token}._domainkey CNAME ${token}.dkim.amazonses.com.`),
    'bounce MX 10 feedback-smtp.us-east-1.amazonses.com.',
    'bounce TXT "v=spf1 include:amazonses.com ~all"',
    // Mailgun: a TXT key under the sending domain (the From domain itself here).
    `smtp._domainkey TXT "k=rsa; p=${KEY}"`,
    // Postmark: a TXT key under a dated selector and the pm-bounces CNAME.
    `${POSTMARK_SELECTOR}._domainkey TXT "k=rsa;p=${KEY}"`,
    'pm-bounces CNAME pm.mtasv.net.',
  ];
}

/** Eleven nested includes: one more DNS lookup than SPF allows. */
const CHAIN = Array.from({ length: 11 }, (_, index) => `l${index}.lookups.test`);

/** A domain set up for Resend alone, as its domains API lists the records (docs/doctor.md#records). */
function resendDomain(): string[] {
  return [
    '@ MX 10 mx1',
    'mx1 A 127.0.0.1',
    '_dmarc TXT "v=DMARC1; p=reject"',
    // The Return-Path subdomain `send`: an MX to SES's feedback host and SPF including SES.
    'send MX 10 feedback-smtp.us-east-1.amazonses.com.',
    'send TXT "v=spf1 include:amazonses.com ~all"',
    `resend._domainkey TXT "p=${KEY}"`,
  ];
}

export const ZONES: Zones = {
  'good.test': goodDomain(),
  'resend.test': resendDomain(),
  // Nothing but an MX: no SPF, no DKIM, no DMARC.
  'missing.test': ['@ MX 10 mx1', 'mx1 A 127.0.0.1'],
  // Keys present, but pointing at someone else's account: SendGrid's CNAMEs and SES's tokens.
  'misaligned.test': [
    '@ MX 10 mx1',
    'mx1 A 127.0.0.1',
    '@ TXT "v=spf1 include:sendgrid.net ~all"',
    '_dmarc TXT "v=DMARC1; p=quarantine"',
    's1._domainkey CNAME s1.domainkey.u99.wl.mailchannels.net.',
    's2._domainkey CNAME s2.domainkey.u99.wl.mailchannels.net.',
    ...SES_TOKENS.map((token) => `${token}._domainkey CNAME zzzz${token.slice(4)}.dkim.amazonses.com.`),
  ],
  // SPF over the lookup limit through a chain of includes.
  'lookups.test': [
    '@ MX 10 mx1',
    'mx1 A 127.0.0.1',
    `@ TXT "v=spf1 include:${CHAIN[0]} ~all"`,
    ...CHAIN.map((name, index) => {
      const next = CHAIN[index + 1];
      return `${name.replace('.lookups.test', '')} TXT "v=spf1 ${next ? `include:${next} ` : ''}ip4:192.0.2.${index} ~all"`;
    }),
    '_dmarc TXT "v=DMARC1; p=none"',
  ],
  // DMARC p=reject with strict alignment; Mailgun signs (and bounces) as the subdomain mg.strict.test.
  'strict.test': [
    '@ MX 10 mx1',
    'mx1 A 127.0.0.1',
    '@ TXT "v=spf1 -all"',
    '_dmarc TXT "v=DMARC1; p=reject; adkim=s; aspf=s"',
    'mg TXT "v=spf1 include:mailgun.org ~all"',
    `smtp._domainkey.mg TXT "k=rsa; p=${KEY}"`,
  ],
  // SPF through redirect=: the target's terms, and its all, are the domain's.
  'redirect.test': [
    '@ MX 10 mx1',
    'mx1 A 127.0.0.1',
    '@ TXT "v=spf1 redirect=_spf.redirect.test"',
    '_spf TXT "v=spf1 include:sendgrid.net -all"',
  ],
  // The providers' own zones, as far as the checks look into them.
  'sendgrid.net': [
    '@ TXT "v=spf1 ip4:167.89.0.0/17 ip4:149.72.0.0/16 ~all"',
    'u1234567.wl123 TXT "v=spf1 ip4:149.72.10.20 -all"',
    `s1.domainkey.u1234567.wl123 TXT "k=rsa; p=${KEY}"`,
    `s2.domainkey.u1234567.wl123 TXT "k=rsa; p=${KEY}"`,
  ],
  'amazonses.com': [
    '@ TXT "v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 ~all"',
    'feedback-smtp.us-east-1 A 127.0.0.1',
    ...SES_TOKENS.map((token) => `${token}.dkim TXT "p=${KEY}"`),
  ],
  'mailgun.org': [
    '@ TXT "v=spf1 include:_spf.mailgun.org ~all"',
    '_spf TXT "v=spf1 ip4:209.61.151.0/24 ~all"',
  ],
  'mtasv.net': [
    'spf TXT "v=spf1 ip4:50.31.156.0/24 ~all"',
    'pm A 127.0.0.1',
    'pm TXT "v=spf1 ip4:50.31.156.0/24 ~all"',
  ],
};

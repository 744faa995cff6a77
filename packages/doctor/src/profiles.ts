/**
 * What each provider publishes in DNS, from its documentation (docs/doctor.md#records, with links):
 * the SPF include, where its DKIM keys live, and where its Return-Path points.
 */
import type { DoctorProviderKind } from './types.js';

/** One provider's DNS facts. */
export interface ProviderProfile {
  /** The SPF include that authorizes its servers (`include:sendgrid.net`). */
  readonly spfInclude?: string;
  /** DKIM records are CNAMEs to a name ending in this (SendGrid, SES), or TXT keys when undefined. */
  readonly dkimCnameSuffix?: string;
  /** Selectors tried when neither the options nor the API name them. */
  readonly defaultSelectors: readonly string[];
  /** Whether every selector must resolve (SendGrid rotates s1/s2, SES publishes three tokens), or any one. */
  readonly allSelectors: boolean;
  /** A custom Return-Path is a CNAME to a name ending in this (SendGrid, Postmark)… */
  readonly returnPathCnameSuffix?: string;
  /** …or has an MX ending in this (SES custom MAIL FROM). */
  readonly returnPathMxSuffix?: string;
  /** The Return-Path's documented default name under the From domain, when there is one. */
  readonly defaultReturnPath?: (domain: string) => string;
  /** Where the provider documents these records. */
  readonly docs: string;
}

export const PROFILES: Readonly<Record<DoctorProviderKind, ProviderProfile>> = {
  sendgrid: {
    spfInclude: 'sendgrid.net',
    dkimCnameSuffix: 'sendgrid.net',
    defaultSelectors: ['s1', 's2'],
    allSelectors: true,
    returnPathCnameSuffix: 'sendgrid.net',
    docs: 'https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-domain-authentication',
  },
  ses: {
    spfInclude: 'amazonses.com',
    dkimCnameSuffix: 'dkim.amazonses.com',
    defaultSelectors: [],
    allSelectors: true,
    returnPathMxSuffix: 'amazonses.com',
    docs: 'https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html',
  },
  mailgun: {
    spfInclude: 'mailgun.org',
    // Selectors Mailgun has assigned over the years; the API names the current one.
    defaultSelectors: ['smtp', 'mx', 'k1', 'krs', 'pic', 'mailo'],
    allSelectors: false,
    docs: 'https://documentation.mailgun.com/docs/mailgun/user-manual/domains/domains-verify',
  },
  postmark: {
    spfInclude: 'spf.mtasv.net',
    defaultSelectors: [],
    allSelectors: false,
    returnPathCnameSuffix: 'mtasv.net',
    defaultReturnPath: (domain) => `pm-bounces.${domain}`,
    docs: 'https://postmarkapp.com/support/article/910-adding-a-custom-return-path-domain',
  },
  resend: {
    // Resend sends through Amazon SES: its SPF record is an include of SES's at the Return-Path.
    spfInclude: 'amazonses.com',
    // A TXT key at `resend._domainkey`; the API names the records of a domain.
    defaultSelectors: ['resend'],
    allSelectors: false,
    returnPathMxSuffix: 'amazonses.com',
    defaultReturnPath: (domain) => `send.${domain}`,
    docs: 'https://resend.com/docs/dashboard/domains/introduction',
  },
  smtp: {
    defaultSelectors: [],
    allSelectors: false,
    defaultReturnPath: (domain) => domain,
    docs: 'https://www.rfc-editor.org/rfc/rfc7208',
  },
};

/** True when `name` is `suffix` or ends in `.suffix`. */
export function endsWithDomain(name: string, suffix: string): boolean {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return lower === suffix || lower.endsWith(`.${suffix}`);
}

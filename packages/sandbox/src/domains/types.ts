import type { SandboxProviderKind } from '../types.js';

/** A sending domain the sandbox's providers know, for their domain and identity APIs. */
export interface SandboxDomain {
  /** The domain, `example.com`. */
  readonly name: string;
  /**
   * Which providers have it and whether each verified it. Default: every provider, verified. A provider
   * left out answers as it does for a domain the account does not have.
   */
  readonly providers?: Partial<Readonly<Record<SandboxProviderKind, 'verified' | 'pending'>>>;
  /** SES Easy DKIM tokens. Default: three derived from the name. */
  readonly sesDkimTokens?: readonly string[];
  /** SES custom MAIL FROM domain. Default: none (SES bounces to its own domain). */
  readonly sesMailFromDomain?: string;
  /** Postmark's Return-Path domain. Default: `pm-bounces.<name>`. */
  readonly postmarkReturnPathDomain?: string;
  /** The DKIM public key (base64) Mailgun, Postmark and Resend report. Default: a fixed sample key. */
  readonly dkimPublicKey?: string;
  /** Confirmed Postmark sender signatures (single addresses) at this domain. Default: none. */
  readonly postmarkSenderSignatures?: readonly string[];
}

/** The sample public key reported unless a domain names its own. */
export const SAMPLE_DKIM_KEY =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7vbqajDw4o6gJy8UtmIbkcpnkO3Kwc4qsEnSZp/TR+fQi62F79RHWmwKOtFmwteURgLbj7D/WGNqIBvMfyqQcUAL2Sr7IHl7AFQ6h4ErfN4XULFLa7LWsJ0NiOHRE+evuPp5Q3s2xhFSzZEDMDmSMPNKmsnUfnbvt0qOvVCKndQIDAQAB';
/** The SendGrid account the sandbox's authenticated domains belong to (`u1234567.wl123.sendgrid.net`). */
export const SENDGRID_USER_ID = 1_234_567;
export const SENDGRID_SUBDOMAIN = 'em4821';
/** Postmark selectors are a timestamp and `pm`. */
export const POSTMARK_DKIM_SELECTOR = '20240117112233pm';
/** Mailgun's usual selector for a domain it generated the key of. */
export const MAILGUN_DKIM_SELECTOR = 'smtp';

/** Whether `provider` has `domain`, and its state there. */
export function stateAt(
  domain: SandboxDomain,
  provider: SandboxProviderKind,
): 'verified' | 'pending' | undefined {
  if (domain.providers === undefined) return 'verified';
  return domain.providers[provider];
}

/** Three 32-character tokens in SES's alphabet, stable for a name. */
export function defaultSesTokens(name: string): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [0, 1, 2].map((index) => {
    let seed = index * 7919 + 17;
    for (const character of name) seed = (seed * 31 + character.charCodeAt(0)) >>> 0;
    let token = '';
    for (let position = 0; position < 32; position++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      token += alphabet[(seed >>> 16) % 32];
    }
    return token;
  });
}

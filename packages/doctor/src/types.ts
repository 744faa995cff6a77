import type { DnsLookup } from './dns.js';

/** The providers the doctor knows the records of. */
export type DoctorProviderKind = 'sendgrid' | 'ses' | 'mailgun' | 'postmark' | 'resend' | 'smtp';
export const DOCTOR_PROVIDER_KINDS: readonly DoctorProviderKind[] = [
  'sendgrid',
  'ses',
  'mailgun',
  'postmark',
  'resend',
  'smtp',
];

/** Credentials for a provider's account API; a provider without them gets its API check "skipped". */
export interface DoctorCredentials {
  /** SendGrid API key with read access to Sender Authentication. Env: SENDGRID_API_KEY. */
  readonly sendgrid?: { readonly apiKey: string };
  /** AWS credentials and region for SES v2 GetEmailIdentity. Env: AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
  readonly ses?: {
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Mailgun private API key. Env: MAILGUN_API_KEY. */
  readonly mailgun?: { readonly apiKey: string };
  /** Postmark *account* token (domains and sender signatures are account-level). Env: POSTMARK_ACCOUNT_TOKEN. */
  readonly postmark?: { readonly accountToken: string };
  /** Resend API key (full access: domains are read with it). Env: RESEND_API_KEY. */
  readonly resend?: { readonly apiKey: string };
}

/** One provider of the chain, with what the doctor cannot learn by itself. */
export interface DoctorProvider {
  /** What sort of provider. */
  readonly kind: DoctorProviderKind;
  /** Its name in the report. Default: `kind`. */
  readonly id?: string;
  /**
   * DKIM selectors to check (SES: the three Easy DKIM tokens). Default: those the provider's API
   * reports, else the documented defaults (SendGrid `s1`, `s2`; Mailgun's usual selectors).
   */
  readonly dkimSelectors?: readonly string[];
  /** The Return-Path (bounce, MAIL FROM) domain. Default: the API's, else Postmark `pm-bounces.<domain>`, Resend `send.<domain>`, Mailgun and SMTP the sending domain. */
  readonly returnPathDomain?: string;
  /** Mailgun: the domain registered at Mailgun (`mg.example.com`). Default: the checked domain. */
  readonly sendingDomain?: string;
  /** SMTP: the relay's public addresses, looked for in SPF. Default: none (SPF not checked). */
  readonly ips?: readonly string[];
  /** The provider API's base URL, e.g. the sandbox's. Default: the provider's production API. */
  readonly endpoint?: string;
}

/** Options of {@link checkDomain}. */
export interface CheckDomainOptions {
  /** The failover chain, names or settings, in priority order. Default: sendgrid, ses, mailgun, postmark. */
  readonly providers?: readonly (
    | DoctorProviderKind
    | DoctorProvider
    | { readonly kind: string; readonly id: string }
  )[];
  /** The DNS server to ask (`host:port`) or a resolver of your own. Default: the system's resolvers. */
  readonly resolver?: string | DnsLookup;
  /** Per DNS query and per provider API call, ms. Default 5000. */
  readonly timeoutMs?: number;
  /** Provider API credentials. Default: none given (each API check "skipped") unless `env` supplies them. */
  readonly credentials?: DoctorCredentials;
  /** Read missing credentials from these variables (pass `process.env`). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The outcome of one check. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

/** One thing checked, with what was found. */
export interface Check {
  /** Which check: `mx`, `spf`, `spf-lookups`, `spf-all`, `dmarc`, `verified`, `dkim`, `return-path`, `spf-authorized`, `dmarc-alignment`. */
  readonly id: string;
  /** pass, warn (works but weaker), fail (mail will fail or land in spam), skipped (could not be checked, says why). */
  readonly status: CheckStatus;
  /** One sentence a person can act on. */
  readonly summary: string;
  /** The records or facts it was judged on. */
  readonly records?: readonly string[];
  /** The provider documentation that defines the expected record. */
  readonly docs?: string;
}

/** Whether one provider can stand in the failover chain for this domain. */
export interface ProviderReport {
  /** The provider's name in the chain. */
  readonly id: string;
  /** What sort of provider. */
  readonly kind: string;
  /** ready: verified and DKIM-aligned; not-ready: a check failed; unknown: not enough known to say. */
  readonly verdict: 'ready' | 'not-ready' | 'unknown';
  /** Why, in a sentence. */
  readonly summary: string;
  /** Each check, in order. */
  readonly checks: readonly Check[];
}

/** What {@link checkDomain} resolves to. */
export interface DomainReport {
  /** The From domain checked, lower case. */
  readonly domain: string;
  /** False when any check failed (the CLI then exits 1). */
  readonly ok: boolean;
  /** Checks of the domain itself: MX, SPF, DMARC. */
  readonly checks: readonly Check[];
  /** One report per provider, in chain order. */
  readonly providers: readonly ProviderReport[];
}

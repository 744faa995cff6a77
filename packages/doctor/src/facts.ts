/** What a provider's own API says about a domain: verified or not, and the records it expects. */

/** A DKIM record the provider expects, as its API names it. */
export interface ExpectedDkim {
  /** The full host name, `s1._domainkey.example.com`. */
  readonly host: string;
  /** The CNAME target the provider gave, when the record is a CNAME. */
  readonly cname?: string;
  /** The TXT value (`k=rsa; p=…`) the provider gave, when the record is a key. */
  readonly txt?: string;
}

/** The provider's view of the domain. */
export interface ProviderFacts {
  /** Whether the provider will send as this domain (authenticated, verified, confirmed). */
  readonly verified: boolean;
  /** The provider's own words, one sentence. */
  readonly summary: string;
  /** The DKIM records it expects. */
  readonly dkim?: readonly ExpectedDkim[];
  /** Its Return-Path domain for this sender. */
  readonly returnPathDomain?: string;
  /** Mailgun: the domain the key is registered under. */
  readonly sendingDomain?: string;
}

/** The API check's outcome: facts, skipped (no credentials) or an error that names the provider. */
export type FactsOutcome =
  | { readonly status: 'ok'; readonly facts: ProviderFacts }
  | { readonly status: 'skipped' | 'error'; readonly reason: string };

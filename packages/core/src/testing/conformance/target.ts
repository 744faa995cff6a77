/**
 * What `testProvider()` needs to know about the provider under test and the service it talks to
 * (a sandbox, a loopback relay). docs/adapters.md, "The conformance suite".
 */
import type { FailureCode } from '../../failures.js';
import type { ProviderV1 } from '../../provider.js';

/** The faults the suite asks the service for; each must become the listed failure. */
export type ConformanceFault =
  | 'outage'
  | 'server_error'
  | 'rate_limited'
  | 'hang'
  | 'reset'
  /** The provider accepts the message, then the answer is lost (the connection is reset). */
  | 'accept_then_reset'
  /** The provider accepts the message, then never answers: the client times out. */
  | 'accept_then_hang'
  | 'malformed'
  | 'quota_exhausted'
  | 'account_suspended'
  | 'message_too_large';

/** What a fault must become. */
export interface FaultExpectation {
  /** The codes the provider may honestly report (some APIs cannot tell two situations apart). */
  readonly codes: readonly FailureCode[];
  /** `retry`: the engine retries this provider; `once`: it fails over after one call. */
  readonly calls: 'retry' | 'once';
  /** Whether the failure must carry the service's Retry-After (1 s). Default: true for `rate_limited`. */
  readonly retryAfter?: boolean;
}

/** A message as the service received it, in the suite's common shape. */
export interface ReceivedMessage {
  /** The id the service answered with. */
  readonly providerMessageId: string;
  readonly from: { readonly address: string; readonly name?: string };
  readonly to: readonly { readonly address: string }[];
  readonly cc: readonly { readonly address: string }[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  /** The Message-ID header as received. */
  readonly messageId?: string;
  /** Where the provider carries metadata; must hold `mailover_id` when the provider says events carry it. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly attachments: readonly { readonly filename: string; readonly content: Uint8Array }[];
}

/** One delivery event the service reports about an accepted message. */
export interface ConformanceEvent {
  readonly type: 'delivered' | 'deferred' | 'bounced';
  readonly message: ReceivedMessage;
  readonly recipient: string;
  readonly time: number;
  readonly smtpReply?: string;
}

/** The request the service would POST for an event. */
export interface ConformanceWebhook {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The URL it is posted to. Default `https://mailover.test/webhooks`. */
  readonly url?: string;
}

/** The provider under test and its service. */
export interface ProviderTestTarget {
  /** The provider's name in test titles, and the id the provider must report. */
  readonly name: string;
  /**
   * Build the provider pointed at the service. `wrong` credentials must be refused by the service
   * (and, for webhooks, make verification fail). `timeoutMs` is the adapter's request timeout.
   */
  provider(settings: { readonly credentials: 'valid' | 'wrong'; readonly timeoutMs: number }): ProviderV1;
  /** Messages the service accepted since the last `reset`, oldest first. */
  accepted(): readonly ReceivedMessage[];
  /** Make every following request fail this way, until `reset`. */
  fault(kind: ConformanceFault): void;
  /** Forget faults and accepted messages. */
  reset(): void;
  /** Each fault the service can produce → what it must become; `false` skips one it cannot. Default: the suite's table. */
  readonly faults?: Partial<Record<ConformanceFault, FaultExpectation | false>>;
  /** Every secret given to the provider: none may appear in a result, error or event. */
  readonly secrets: readonly string[];
  /** The webhook the service would POST for an event; absent when the provider takes no webhooks. */
  webhook?(event: ConformanceEvent): ConformanceWebhook | Promise<ConformanceWebhook>;
  /** Stop the service. */
  close(): Promise<void>;
}

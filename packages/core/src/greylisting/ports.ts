/**
 * What the greylisting policy needs from the rest of the engine, as interfaces it owns: the engine
 * implements them (engine/tracking.ts, engine/deliver.ts, engine/events.ts) and passes them in, so
 * this folder imports nothing from engine/. docs/architecture.md, "Layers".
 */
import type { DeferralEvidence } from './detector.js';
import type { HistoryEntry } from '../history.js';
import type { NormalizedMessage } from '../message/types.js';
import type { Provider } from '../provider.js';

/** The stored messages, as far as a re-send needs them. */
export interface GreylistRecords {
  /** The message's recipients (its own spelling) and, when kept, the content to re-send; undefined when unknown. */
  resendable(
    id: string,
  ): Promise<{ readonly recipients: readonly string[]; readonly message?: NormalizedMessage } | undefined>;
  /** Where a recipient of the message stands (`accepted`, `deferred`, `delivered`…); undefined when unknown. */
  recipientState(id: string, recipient: string): Promise<string | undefined>;
  appendHistory(id: string, entry: HistoryEntry): Promise<unknown>;
  /** The provider that re-sent the message to the recipient, if any. */
  resentBy(id: string, recipient: string): Promise<string | undefined>;
  /** Record a re-send, so that the provider's events for that recipient are attributed. */
  markResent(id: string, recipient: string, provider: string, providerMessageId: string): Promise<void>;
}

/** Send `message` to `recipients` only, through `providers` in order (the engine's retry and failover). */
export type Resend = (
  message: NormalizedMessage,
  providers: readonly Provider[],
  recipients: readonly string[],
) => Promise<{ readonly provider: string; readonly providerMessageId: string }>;

/** The decisions greylisting reports, by event name (part of the mailer's events). */
export interface GreylistEvents {
  /** Greylisting deferrals of one (message, recipient) were judged a loop. */
  'greylist-loop': {
    readonly id: string;
    readonly recipient: string;
    readonly rule: 'count' | 'networks' | 'window';
    readonly detail: string;
    readonly evidence: readonly DeferralEvidence[];
  };
  /** The looping recipient was re-sent through a fixed-IP provider. */
  'greylist-failover': {
    readonly id: string;
    readonly recipient: string;
    readonly provider: string;
    readonly providerMessageId: string;
  };
  /**
   * A domain was remembered as greylisting: its mail goes to `provider` first until `until`; with
   * MX memory, so does mail to any domain behind `mxHosts` (its most-preferred exchangers).
   */
  'domain-learned': {
    readonly domain: string;
    readonly provider: string;
    readonly until: number;
    readonly mxHosts: readonly string[];
  };
}

export type GreylistEmit = <Name extends keyof GreylistEvents>(
  name: Name,
  event: GreylistEvents[Name],
) => void;

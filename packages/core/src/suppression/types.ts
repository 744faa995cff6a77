/** The suppression list's shapes (docs/suppression.md). */

/** Why an address is suppressed. Only `soft_bounce` expires on its own. */
export const SUPPRESSION_REASONS = [
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'unsubscribe',
  'manual',
] as const;

/** One of {@link SUPPRESSION_REASONS}. */
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The scope that covers every message, whatever its stream. */
export const EVERY_STREAM = '*';

/** One suppressed address in one scope. */
export interface Suppression {
  /** The normalized mailbox (domain in ASCII), lower-cased. */
  readonly address: string;
  readonly reason: SuppressionReason;
  /** `'*'` (every message) or a stream name (`marketing`): only messages sent in that stream skip it. */
  readonly scope: string;
  /** When it was learned or added, epoch ms. */
  readonly since: number;
  /** When it lapses, epoch ms (soft bounces); absent: never. */
  readonly expiresAt?: number;
  /** The provider it came from (`sendgrid`), when learned or imported from one. */
  readonly provider?: string;
  /** The provider's event id, or how it was added (`import`, `sync`, `api`). */
  readonly event?: string;
}

/** What `add` and imports take: an address and, optionally, the rest (reason defaults to `manual`, scope to `*`). */
export interface SuppressionInput {
  readonly address: string;
  /** Default `'manual'`. */
  readonly reason?: SuppressionReason;
  /** Default `'*'`: every message. */
  readonly scope?: string;
  /** Default: now. */
  readonly since?: number;
  /** Required for `soft_bounce` unless the list's `softBounceMs` applies; ignored otherwise. */
  readonly expiresAt?: number;
  readonly provider?: string;
  readonly event?: string;
}

/** One page of the list. */
export interface SuppressionPage {
  readonly entries: readonly Suppression[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly next?: string;
}

/** Options of `list`. */
export interface ListSuppressionsOptions {
  /** Entries per page, 1–1 000. Default 100. */
  readonly limit?: number;
  /** Where the previous page ended (`page.next`). Default: the beginning. */
  readonly cursor?: string;
  /** Only this scope. Default: every scope. */
  readonly scope?: string;
}

/**
 * A provider's own suppression list, read page by page through its SDK (each adapter exports one:
 * `sendgridSuppressions`, `sesSuppressions`, `mailgunSuppressions`, `postmarkSuppressions`).
 * docs/suppression.md, "Sync with the providers".
 */
import type { Suppression, SuppressionInput, SuppressionReason } from './types.js';

/** One page of a provider's suppressions, already mapped to mailover's reasons. */
export interface SuppressionSourcePage {
  readonly entries: readonly SuppressionInput[];
  /** Pass back to `page` for the next one; absent on the last page. */
  readonly next?: string;
}

/** A provider's suppression list. */
export interface SuppressionSource {
  /** The provider id the entries are recorded with (`sendgrid`). */
  readonly provider: string;
  /** One page; `cursor` is the previous page's `next`. */
  page(cursor?: string): Promise<SuppressionSourcePage>;
}

/**
 * A provider's own suppression list, written to through its SDK (`mailer.suppressions.push`,
 * `sync(…, { push: true })`, `suppression.pushOnLearn`). docs/suppression.md, "Pushing to the providers".
 */
export interface SuppressionTarget {
  /** The provider id: entries recorded from this provider are not pushed back to it. */
  readonly provider: string;
  /** Most entries one `push` call takes (the provider's batch limit). */
  readonly pushBatch: number;
  /**
   * Why the provider's API has no list meaning the same as this entry (a soft bounce, a reason it
   * cannot record, a stream scope), or undefined when `push` adds it.
   */
  cannotHold(entry: Suppression): string | undefined;
  /** Add these entries, each one it can hold, to the provider's list. Rejects when the provider refused. */
  push(entries: readonly Suppression[]): Promise<void>;
}

/**
 * One entry read from a provider's list, or none when the record has no address or a reason that
 * maps to none of mailover's: `since` is kept only when it is a real time (a provider's date that
 * does not parse leaves it to the list's "now"). `event` names where it came from (`sync:bounces`).
 */
export function syncedEntry(
  address: string | null | undefined,
  reason: SuppressionReason | undefined,
  since: number | undefined,
  event: string,
): SuppressionInput[] {
  if (!address || !reason) return [];
  return [{ address, reason, ...(since !== undefined && Number.isFinite(since) ? { since } : {}), event }];
}

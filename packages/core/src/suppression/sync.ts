/**
 * A provider's own suppression list, read page by page through its SDK (each adapter exports one:
 * `sendgridSuppressions`, `sesSuppressions`, `mailgunSuppressions`, `postmarkSuppressions`).
 * docs/suppression.md, "Sync with the providers".
 */
import type { SuppressionInput } from './types.js';

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

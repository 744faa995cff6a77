/**
 * Resend's suppression list through the `resend` SDK (`suppressions.list`, `suppressions.batch.add`),
 * for `mailer.suppressions.sync` and `push`. Resend's API reference marks this API private beta
 * ("APIs might change before GA"): docs/suppression.md, "Sync with the providers".
 *
 * Reading: pages of up to 100, the `after` cursor being the last id; origin `bounce` → hard_bounce,
 * `complaint` → complaint, `manual` (added by the account) → manual. Pushing: `batch.add` (at most
 * 100 addresses) creates manual suppressions only, so unsubscribes and manual entries of scope `*`
 * are pushed, and bounces and complaints are reported as skipped rather than recorded as manual.
 * The SDK answers `{data, error}` instead of throwing: an `error` is thrown here.
 */
import {
  lazy,
  requireSetting,
  type Suppression,
  type SuppressionInput,
  type SuppressionSource,
  type SuppressionTarget,
  syncedEntry,
  withoutTrailingSlashes,
  requireWholeNumber,
} from '@mailover/core/provider';
import { RESEND_DEFAULT_ENDPOINT } from './client.js';
import { lookupTable } from '@mailover/core/provider';

export interface ResendSuppressionsOptions {
  /** Resend API key. Default: the `RESEND_API_KEY` environment variable. */
  readonly apiKey?: string;
  /** API base URL. Default: `RESEND_BASE_URL`, else `https://api.resend.com`. */
  readonly endpoint?: string;
  /** The provider id entries are recorded with. Default `'resend'`. */
  readonly id?: string;
  /** Entries per request, 1–100. Default 100 (Resend's largest). */
  readonly pageSize?: number;
}

const ORIGINS: Readonly<Record<string, SuppressionInput['reason']>> = lookupTable({
  bounce: 'hard_bounce',
  complaint: 'complaint',
  manual: 'manual',
});

interface Answer<T> {
  readonly data: T | null;
  readonly error: {
    readonly name?: string;
    readonly message?: string;
    readonly statusCode?: number | null;
  } | null;
}

interface SuppressionsApi {
  list(options: {
    limit: number;
    after?: string;
  }): Promise<
    Answer<{ has_more: boolean; data: { id: string; email: string; origin: string; created_at: string }[] }>
  >;
  batch: { add(options: { emails: string[] }): Promise<Answer<unknown>> };
}

function dataOf<T>(answer: Answer<T>, what: string): T {
  if (answer.error || answer.data === null) {
    const { name = 'application_error', message = '', statusCode = null } = answer.error ?? {};
    throw new Error(`Resend ${what} failed: ${statusCode ?? 'no answer'} ${name}: ${message}`);
  }
  return answer.data;
}

export function resendSuppressions(
  options: ResendSuppressionsOptions = {},
): SuppressionSource & SuppressionTarget {
  const pageSize = requireWholeNumber('resendSuppressions', 'pageSize', options.pageSize, 100, {
    min: 1,
    max: 100,
  });
  const api = lazy(async (): Promise<SuppressionsApi> => {
    const { Resend } = await import('resend');
    const endpoint = options.endpoint ?? process.env.RESEND_BASE_URL ?? RESEND_DEFAULT_ENDPOINT;
    const client = new Resend(requireSetting('resend', 'apiKey', options.apiKey, 'RESEND_API_KEY'), {
      baseUrl: withoutTrailingSlashes(endpoint),
    });
    return client.suppressions as unknown as SuppressionsApi;
  });
  return {
    provider: options.id ?? 'resend',
    pushBatch: 100,
    cannotHold(entry: Suppression) {
      if (entry.reason === 'soft_bounce') return 'a soft bounce lapses; Resend keeps no expiring entries';
      if (entry.reason === 'hard_bounce' || entry.reason === 'complaint') {
        return "Resend's API adds only manual suppressions, not bounces or complaints";
      }
      if (entry.scope !== '*')
        return `scoped to the stream ${entry.scope}; Resend's list stops every message`;
      return undefined;
    },
    async push(entries) {
      dataOf(
        await (await api()).batch.add({ emails: entries.map((entry) => entry.address) }),
        'suppressions.batch.add',
      );
    },
    async page(cursor) {
      const listed = dataOf(
        await (await api()).list({ limit: pageSize, ...(cursor ? { after: cursor } : {}) }),
        'suppressions.list',
      );
      const entries = listed.data.flatMap((item) =>
        syncedEntry(item.email, ORIGINS[item.origin], Date.parse(item.created_at), `sync:${item.origin}`),
      );
      const last = listed.data.at(-1)?.id;
      return listed.has_more && last ? { entries, next: last } : { entries };
    },
  };
}

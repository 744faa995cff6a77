/**
 * Mailgun's suppression lists for one domain, read through mailgun.js (`suppressions.list`) for
 * `mailer.suppressions.sync`: bounces, complaints and unsubscribes, `limit` ≤ 1000, following the
 * `paging.next` cursor (`page=next&address=<last>`) until a page comes back empty. A bounce is
 * imported only when its error says the recipient is gone. docs/suppression.md.
 *
 * Pushing: `suppressions.create` posts a JSON array (at most 1 000) to the matching list — a hard
 * bounce to bounces (code 550), a complaint to complaints, an unsubscribe or manual entry to
 * unsubscribes (tag `*`: every message). Scope `*` only; soft bounces are reported as skipped.
 */
import {
  classifySmtpReply,
  lazy,
  reasonForBounce,
  requireSetting,
  type Suppression,
  type SuppressionInput,
  type SuppressionSource,
  type SuppressionTarget,
  syncedEntry,
  withoutTrailingSlashes,
  requireWholeNumber,
} from '@mailover/core/provider';

export interface MailgunSuppressionsOptions {
  /** Mailgun API key. Default: the `MAILGUN_API_KEY` environment variable. */
  readonly apiKey?: string;
  /** The sending domain whose lists are read. Default: the `MAILGUN_DOMAIN` environment variable. */
  readonly domain?: string;
  /** API base URL. Default: `https://api.mailgun.net` (EU: `https://api.eu.mailgun.net`). */
  readonly endpoint?: string;
  /** The provider id entries are recorded with. Default `'mailgun'`. */
  readonly id?: string;
  /** Entries per request, 1–1000. Default 1000. */
  readonly pageSize?: number;
}

const LISTS = ['bounces', 'complaints', 'unsubscribes'] as const;

interface ListedItem {
  readonly address?: string;
  readonly code?: number | string;
  readonly error?: string;
  readonly created_at?: Date | string;
}

interface SuppressionsClient {
  list(
    domain: string,
    type: string,
    query?: { limit?: number; page?: string },
  ): Promise<{ items: unknown[]; pages: Record<string, { page: string } | undefined> }>;
  create(domain: string, type: string, data: readonly Record<string, unknown>[]): Promise<unknown>;
}

export function mailgunSuppressions(
  options: MailgunSuppressionsOptions = {},
): SuppressionSource & SuppressionTarget {
  const pageSize = requireWholeNumber('mailgunSuppressions', 'pageSize', options.pageSize, 1000, {
    min: 1,
    max: 1000,
  });
  const client = lazy(async (): Promise<SuppressionsClient> => {
    const { default: Mailgun } = await import('mailgun.js');
    return new Mailgun(FormData).client({
      username: 'api',
      key: requireSetting('mailgun', 'apiKey', options.apiKey, 'MAILGUN_API_KEY'),
      url: withoutTrailingSlashes(options.endpoint ?? 'https://api.mailgun.net').replace(/\/v3$/, ''),
    }).suppressions as unknown as SuppressionsClient;
  });
  return {
    provider: options.id ?? 'mailgun',
    pushBatch: 1000,
    cannotHold,
    async push(entries) {
      const domain = requireSetting('mailgun', 'domain', options.domain, 'MAILGUN_DOMAIN');
      const sdk = await client();
      for (const list of LISTS) {
        const rows = entries.filter((entry) => listFor(entry) === list).map((entry) => rowFor(list, entry));
        if (rows.length > 0) await sdk.create(domain, list, rows);
      }
    },
    async page(cursor) {
      const domain = requireSetting('mailgun', 'domain', options.domain, 'MAILGUN_DOMAIN');
      const split = (cursor ?? LISTS[0]).indexOf(' ');
      const name = split === -1 ? (cursor ?? LISTS[0]) : cursor!.slice(0, split);
      const index = LISTS.indexOf(name as (typeof LISTS)[number]);
      if (index === -1)
        throw new RangeError(`mailgunSuppressions: cursor ${cursor} is not one a page returned`);
      const list = LISTS[index]!;
      const answer = await (await client()).list(domain, list, {
        limit: pageSize,
        ...(split === -1 ? {} : { page: cursor!.slice(split + 1) }),
      });
      const items = answer.items as ListedItem[];
      const entries = items.flatMap((item) => entryOf(list, item));
      const nextPage = answer.pages.next?.page;
      const next = items.length > 0 && nextPage ? `${list} ${nextPage}` : LISTS[index + 1];
      return next ? { entries, next } : { entries };
    },
  };
}

function entryOf(list: (typeof LISTS)[number], item: ListedItem): SuppressionInput[] {
  const reason =
    list === 'complaints'
      ? 'complaint'
      : list === 'unsubscribes'
        ? 'unsubscribe'
        : reasonForBounce(classifySmtpReply(`${item.code ?? ''} ${item.error ?? ''}`.trim()));
  const since = item.created_at === undefined ? undefined : new Date(item.created_at).getTime();
  return syncedEntry(item.address, reason, since, `sync:${list}`);
}

/** Why Mailgun has no list meaning the same as `entry`. */
function cannotHold(entry: Suppression): string | undefined {
  if (entry.reason === 'soft_bounce') return 'a soft bounce lapses; Mailgun keeps no expiring entries';
  if (entry.scope !== '*') {
    return `scoped to the stream ${entry.scope}; Mailgun's lists are per domain (and unsubscribes per tag)`;
  }
  return undefined;
}

function listFor(entry: Suppression): (typeof LISTS)[number] {
  if (entry.reason === 'hard_bounce') return 'bounces';
  return entry.reason === 'complaint' ? 'complaints' : 'unsubscribes';
}

/** A row of Mailgun's JSON upload; `created_at` in RFC 2822, as Mailgun writes it. */
function rowFor(list: (typeof LISTS)[number], entry: Suppression): Record<string, unknown> {
  const created_at = new Date(entry.since).toUTCString().replace('GMT', '+0000');
  if (list === 'bounces') {
    const from = entry.provider ? `, learned from ${entry.provider}` : '';
    return {
      address: entry.address,
      code: '550',
      error: `suppressed by mailover (hard_bounce${from})`,
      created_at,
    };
  }
  if (list === 'unsubscribes') return { address: entry.address, tags: ['*'], created_at };
  return { address: entry.address, created_at };
}

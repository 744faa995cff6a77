/**
 * SendGrid's own suppression lists, read through `@sendgrid/client` for `mailer.suppressions.sync`:
 * bounces, blocks, spam reports and global unsubscribes (`GET /v3/suppression/<list>`, `limit` ≤ 500
 * and `offset`; a short page is the last). A bounce or block is imported only when its reply says
 * the recipient is gone (or passing: a soft bounce) — a block for the sender's IP or content says
 * nothing about the recipient. docs/suppression.md, "Sync with the providers".
 *
 * Pushing (`mailer.suppressions.push`): SendGrid's API can add to one account-wide list only, the
 * global unsubscribes (`POST /v3/asm/suppressions/global`); bounces and spam reports can be listed
 * and deleted but not added. So unsubscribes and manual entries of scope `*` are pushed there, and
 * the rest is reported as skipped, never recorded as something it is not.
 */
import {
  classifySmtpReply,
  lazy,
  reasonForBounce,
  requireSetting,
  type SuppressionInput,
  type Suppression,
  type SuppressionSource,
  type SuppressionTarget,
  requireWholeNumber,
} from '@mailover/core/provider';
import { SENDGRID_DEFAULT_ENDPOINT } from './client.js';

export interface SendGridSuppressionsOptions {
  /** The SendGrid API key (needs suppression read access). Default: the `SENDGRID_API_KEY` environment variable. */
  readonly apiKey?: string;
  /** API base URL. Default: `https://api.sendgrid.com/`. */
  readonly endpoint?: string;
  /** The provider id entries are recorded with. Default `'sendgrid'`. */
  readonly id?: string;
  /** Entries per request, 1–500. Default 500 (SendGrid's largest). */
  readonly pageSize?: number;
}

const LISTS = ['bounces', 'blocks', 'spam_reports', 'unsubscribes'] as const;

interface SdkClient {
  setDefaultHeader(name: string, value: string): unknown;
  setDefaultRequest(name: string, value: unknown): unknown;
  request(
    request:
      | { method: 'GET'; url: string; qs: Record<string, number> }
      | { method: 'POST'; url: string; body: unknown },
  ): Promise<[unknown, unknown]>;
}

interface ListedEntry {
  readonly email?: string;
  readonly created?: number;
  readonly reason?: string;
}

const loadClient = lazy(async () => {
  const module = await import('@sendgrid/client');
  return (module.default as unknown as { Client: new () => SdkClient }).Client;
});

/** SendGrid's suppressions as a {@link SuppressionSource}; the cursor is `<list>:<offset>`. */
export function sendgridSuppressions(
  options: SendGridSuppressionsOptions = {},
): SuppressionSource & SuppressionTarget {
  const pageSize = requireWholeNumber('sendgridSuppressions', 'pageSize', options.pageSize, 500, {
    min: 1,
    max: 500,
  });
  const client = lazy(async () => {
    const Client = await loadClient();
    const sdk = new Client();
    sdk.setDefaultHeader(
      'Authorization',
      `Bearer ${requireSetting('sendgrid', 'apiKey', options.apiKey, 'SENDGRID_API_KEY')}`,
    );
    sdk.setDefaultRequest('baseUrl', options.endpoint ?? SENDGRID_DEFAULT_ENDPOINT);
    return sdk;
  });
  return {
    provider: options.id ?? 'sendgrid',
    // SendGrid documents no batch limit for this endpoint; 500 keeps each request small.
    pushBatch: 500,
    cannotHold,
    async push(entries) {
      await (await client()).request({
        method: 'POST',
        url: '/v3/asm/suppressions/global',
        body: { recipient_emails: entries.map((entry) => entry.address) },
      });
    },
    async page(cursor) {
      const [name, at] = (cursor ?? `${LISTS[0]}:0`).split(':');
      const index = LISTS.indexOf(name as (typeof LISTS)[number]);
      const offset = Number(at);
      if (index === -1 || !Number.isInteger(offset))
        throw new RangeError(`sendgridSuppressions: cursor ${cursor} is not one a page returned`);
      const list = LISTS[index]!;
      const [, body] = await (await client()).request({
        method: 'GET',
        url: `/v3/suppression/${list}`,
        qs: { limit: pageSize, offset },
      });
      const listed = Array.isArray(body) ? (body as ListedEntry[]) : [];
      const entries = listed.flatMap((entry) => entryOf(list, entry));
      const next =
        listed.length === pageSize
          ? `${list}:${offset + pageSize}`
          : LISTS[index + 1]
            ? `${LISTS[index + 1]}:0`
            : undefined;
      return next ? { entries, next } : { entries };
    },
  };
}

function entryOf(list: (typeof LISTS)[number], entry: ListedEntry): SuppressionInput[] {
  if (!entry.email) return [];
  const since = typeof entry.created === 'number' ? entry.created * 1000 : undefined;
  const common = { address: entry.email, ...(since === undefined ? {} : { since }), event: `sync:${list}` };
  if (list === 'spam_reports') return [{ ...common, reason: 'complaint' }];
  if (list === 'unsubscribes') return [{ ...common, reason: 'unsubscribe' }];
  const reason = entry.reason ? reasonForBounce(classifySmtpReply(entry.reason)) : undefined;
  return reason ? [{ ...common, reason }] : [];
}

/** Why SendGrid has no list meaning the same as `entry` (docs/suppression.md, "Pushing to the providers"). */
function cannotHold(entry: Suppression): string | undefined {
  if (entry.reason === 'soft_bounce') return 'a soft bounce lapses; SendGrid keeps no expiring entries';
  if (entry.reason === 'hard_bounce') return "SendGrid's API cannot add bounces (only list and delete them)";
  if (entry.reason === 'complaint')
    return "SendGrid's API cannot add spam reports (only list and delete them)";
  if (entry.scope !== '*') {
    return `scoped to the stream ${entry.scope}; SendGrid's global unsubscribes would stop every message`;
  }
  return undefined;
}

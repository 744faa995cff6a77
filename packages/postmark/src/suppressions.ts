/**
 * Postmark's suppressions, read through the postmark SDK (`getSuppressions`, the
 * `/message-streams/{stream}/suppressions/dump` endpoint: the whole list of one stream at once) for
 * `mailer.suppressions.sync`. HardBounce → hard_bounce, SpamComplaint → complaint,
 * ManualSuppression (an unsubscribe link, or added by hand) → unsubscribe. One page per stream.
 * docs/suppression.md, "Sync with the providers".
 *
 * Pushing: `createSuppressions(stream, …)` (at most 50 addresses a request) adds a
 * ManualSuppression, the only kind Postmark's API creates — so unsubscribes and manual entries are
 * pushed (scope `*` to every configured stream, a stream's own to the stream of that name when it
 * is configured), and bounces and complaints are reported as skipped rather than recorded as
 * something they are not.
 */
import {
  ConfigurationError,
  lazy,
  requireSetting,
  type Suppression,
  type SuppressionInput,
  type SuppressionSource,
  type SuppressionTarget,
  syncedEntry,
} from '@mailover/core/provider';
import { hostOptions } from './client.js';
import { lookupTable } from '@mailover/core/provider';

export interface PostmarkSuppressionsOptions {
  /** Server API token. Default: the `POSTMARK_SERVER_TOKEN` environment variable. */
  readonly serverToken?: string;
  /** API base URL. Default: Postmark's. */
  readonly endpoint?: string;
  /** The message streams to read. Default `['outbound']`. */
  readonly streams?: readonly string[];
  /** The provider id entries are recorded with. Default `'postmark'`. */
  readonly id?: string;
}

const REASONS: Readonly<Record<string, SuppressionInput['reason']>> = lookupTable({
  HardBounce: 'hard_bounce',
  SpamComplaint: 'complaint',
  ManualSuppression: 'unsubscribe',
});

export function postmarkSuppressions(
  options: PostmarkSuppressionsOptions = {},
): SuppressionSource & SuppressionTarget {
  const streams = options.streams ?? ['outbound'];
  if (streams.length === 0 || streams.some((stream) => typeof stream !== 'string' || stream === '')) {
    throw new ConfigurationError(
      'postmarkSuppressions: streams must list at least one message stream id; leave it out for ["outbound"]',
    );
  }
  const client = lazy(async () => {
    const sdk = await import('postmark');
    const token = requireSetting('postmark', 'serverToken', options.serverToken, 'POSTMARK_SERVER_TOKEN');
    return new sdk.ServerClient(token, { ...hostOptions(options.endpoint) });
  });
  const streamsOf = (entry: Suppression) => (entry.scope === '*' ? streams : [entry.scope]);
  return {
    provider: options.id ?? 'postmark',
    pushBatch: 50,
    cannotHold(entry) {
      if (entry.reason === 'soft_bounce') return 'a soft bounce lapses; Postmark keeps no expiring entries';
      if (entry.reason === 'hard_bounce' || entry.reason === 'complaint') {
        return "Postmark's API adds only manual suppressions (ManualSuppression), not bounces or spam complaints";
      }
      if (entry.scope !== '*' && !streams.includes(entry.scope)) {
        return `scoped to the stream ${entry.scope}, which is not one of the Postmark streams given (streams option)`;
      }
      return undefined;
    },
    async push(entries) {
      const sdk = await client();
      for (const stream of streams) {
        const addresses = entries.filter((entry) => streamsOf(entry).includes(stream));
        if (addresses.length === 0) continue;
        const answer = await sdk.createSuppressions(stream, {
          Suppressions: addresses.map((entry) => ({ EmailAddress: entry.address })),
        });
        const failed = answer.Suppressions.filter((status) => status.Status === 'Failed');
        if (failed.length > 0) {
          throw new Error(
            `Postmark refused ${failed.length} of ${addresses.length} in stream ${stream}: ${failed[0]!.EmailAddress}: ${failed[0]!.Message}`,
          );
        }
      }
    },
    async page(cursor) {
      const index = cursor === undefined ? 0 : streams.indexOf(cursor);
      if (index === -1)
        throw new RangeError(`postmarkSuppressions: cursor ${cursor} is not one a page returned`);
      const stream = streams[index]!;
      const dump = await (await client()).getSuppressions(stream);
      const entries = dump.Suppressions.flatMap((entry) =>
        syncedEntry(
          entry.EmailAddress,
          REASONS[entry.SuppressionReason],
          Date.parse(entry.CreatedAt),
          `sync:${stream}:${entry.SuppressionReason}`,
        ),
      );
      const next = streams[index + 1];
      return next ? { entries, next } : { entries };
    },
  };
}

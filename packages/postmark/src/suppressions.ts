/**
 * Postmark's suppressions, read through the postmark SDK (`getSuppressions`, the
 * `/message-streams/{stream}/suppressions/dump` endpoint: the whole list of one stream at once) for
 * `mailer.suppressions.sync`. HardBounce → hard_bounce, SpamComplaint → complaint,
 * ManualSuppression (an unsubscribe link, or added by hand) → unsubscribe. One page per stream.
 * docs/suppression.md, "Sync with the providers".
 */
import {
  ConfigurationError,
  lazy,
  requireSetting,
  type SuppressionInput,
  type SuppressionSource,
} from '@mailover/core';
import { hostOptions } from './client.js';

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

const REASONS: Readonly<Record<string, SuppressionInput['reason']>> = {
  HardBounce: 'hard_bounce',
  SpamComplaint: 'complaint',
  ManualSuppression: 'unsubscribe',
};

export function postmarkSuppressions(options: PostmarkSuppressionsOptions = {}): SuppressionSource {
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
  return {
    provider: options.id ?? 'postmark',
    async page(cursor) {
      const index = cursor === undefined ? 0 : streams.indexOf(cursor);
      if (index === -1)
        throw new RangeError(`postmarkSuppressions: cursor ${cursor} is not one a page returned`);
      const stream = streams[index]!;
      const dump = await (await client()).getSuppressions(stream);
      const entries = dump.Suppressions.flatMap((entry): SuppressionInput[] => {
        const reason = REASONS[entry.SuppressionReason];
        if (!reason || !entry.EmailAddress) return [];
        const since = Date.parse(entry.CreatedAt);
        return [
          {
            address: entry.EmailAddress,
            reason,
            ...(Number.isFinite(since) ? { since } : {}),
            event: `sync:${stream}:${entry.SuppressionReason}`,
          },
        ];
      });
      const next = streams[index + 1];
      return next ? { entries, next } : { entries };
    },
  };
}

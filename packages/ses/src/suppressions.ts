/**
 * SES's account-level suppression list, read with `ListSuppressedDestinations` (AWS SDK v3,
 * `PageSize` ≤ 1000, `NextToken`) for `mailer.suppressions.sync`. SES puts only hard bounces
 * (`BOUNCE`) and complaints (`COMPLAINT`) there. docs/suppression.md, "Sync with the providers".
 *
 * Pushing: `PutSuppressedDestination` (one address a call) with `BOUNCE` for a hard bounce and
 * `COMPLAINT` for a complaint, scope `*` only; unsubscribes, manual entries and soft bounces have no
 * reason there and are reported as skipped.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  lazy,
  requireSetting,
  type Suppression,
  type SuppressionSource,
  type SuppressionTarget,
  withoutTrailingSlashes,
  requireWholeNumber,
} from '@mailover/core/provider';

export interface SesSuppressionsOptions {
  /** A client of your own; the other connection options are then ignored. Default: one built from them. */
  readonly client?: SESv2Client;
  /** AWS region. Default: the `AWS_REGION` environment variable. */
  readonly region?: string;
  /** Static credentials. Default: the AWS SDK's default chain. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** API base URL instead of AWS's, e.g. the sandbox's `endpoints.ses`. */
  readonly endpoint?: string;
  /** The provider id entries are recorded with. Default `'ses'`. */
  readonly id?: string;
  /** Entries per request, 1–1000. Default 1000. */
  readonly pageSize?: number;
}

const loadSdk = lazy(() => import('@aws-sdk/client-sesv2'));

export function sesSuppressions(options: SesSuppressionsOptions = {}): SuppressionSource & SuppressionTarget {
  const pageSize = requireWholeNumber('sesSuppressions', 'pageSize', options.pageSize, 1000, {
    min: 1,
    max: 1000,
  });
  const client = lazy(async () => {
    if (options.client) return options.client;
    const sdk = await loadSdk();
    return new sdk.SESv2Client({
      region: requireSetting('ses', 'region', options.region, 'AWS_REGION'),
      ...(options.endpoint ? { endpoint: withoutTrailingSlashes(options.endpoint) } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  });
  return {
    provider: options.id ?? 'ses',
    pushBatch: 50,
    cannotHold,
    async push(entries) {
      const [sdk, ses] = await Promise.all([loadSdk(), client()]);
      for (const entry of entries) {
        await ses.send(
          new sdk.PutSuppressedDestinationCommand({
            EmailAddress: entry.address,
            Reason: entry.reason === 'complaint' ? 'COMPLAINT' : 'BOUNCE',
          }),
        );
      }
    },
    async page(cursor) {
      const [sdk, ses] = await Promise.all([loadSdk(), client()]);
      const answer = await ses.send(
        new sdk.ListSuppressedDestinationsCommand({
          PageSize: pageSize,
          ...(cursor ? { NextToken: cursor } : {}),
        }),
      );
      const entries = (answer.SuppressedDestinationSummaries ?? []).flatMap((summary) =>
        summary.EmailAddress
          ? [
              {
                address: summary.EmailAddress,
                reason: summary.Reason === 'COMPLAINT' ? ('complaint' as const) : ('hard_bounce' as const),
                ...(summary.LastUpdateTime ? { since: summary.LastUpdateTime.getTime() } : {}),
                event: `sync:${summary.Reason ?? 'BOUNCE'}`,
              },
            ]
          : [],
      );
      return answer.NextToken ? { entries, next: answer.NextToken } : { entries };
    },
  };
}

/** Why SES's account-level list has no reason meaning the same as `entry`. */
function cannotHold(entry: Suppression): string | undefined {
  if (entry.reason === 'soft_bounce') return 'a soft bounce lapses; SES keeps no expiring entries';
  if (entry.reason !== 'hard_bounce' && entry.reason !== 'complaint') {
    return "SES's account-level list holds only BOUNCE and COMPLAINT";
  }
  if (entry.scope !== '*') return `scoped to the stream ${entry.scope}; SES's list would stop every message`;
  return undefined;
}

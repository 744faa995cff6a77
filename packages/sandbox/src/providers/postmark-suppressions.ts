/**
 * Postmark's suppression dump: `GET /message-streams/{stream}/suppressions/dump` with the server
 * token, answering `{Suppressions: [{EmailAddress, SuppressionReason, Origin, CreatedAt}]}` —
 * HardBounce, SpamComplaint or ManualSuppression (an unsubscribe), the whole list in one answer
 * (Postmark documents no paging for the dump). The sandbox keeps one stream, `outbound`.
 * Writing: `POST /message-streams/{stream}/suppressions` with `{Suppressions: [{EmailAddress}]}`
 * (at most 50) adds ManualSuppressions (origin Customer) and answers each address's `Status`.
 */
import type { SandboxResponse } from '../types.js';
import { jsonBody, pathOf, type SuppressionListing, suppress } from './suppression-routes.js';

const REASONS = {
  bounces: 'HardBounce',
  complaints: 'SpamComplaint',
  unsubscribes: 'ManualSuppression',
} as const;

const json = (status: number, body: unknown): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body,
});

export const postmarkSuppressions: SuppressionListing = (request, context) => {
  const create = /^\/message-streams\/([^/]+)\/suppressions$/.exec(pathOf(request));
  if (create) return createSuppressions(request, context, decodeURIComponent(create[1]!));
  const match = /^\/message-streams\/([^/]+)\/suppressions\/dump$/.exec(pathOf(request));
  if (!match) return undefined;
  if (request.method !== 'GET') return json(405, { ErrorCode: 0, Message: 'Method not allowed' });
  const token = request.headers['x-postmark-server-token'];
  if (token !== context.credentials.postmark.serverToken) {
    return json(401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
  }
  if (decodeURIComponent(match[1]!) !== 'outbound') {
    return json(422, { ErrorCode: 1226, Message: 'The message stream for the provided ID was not found.' });
  }
  return json(200, {
    Suppressions: context.suppressions.postmark.flatMap((entry) => {
      const reason = REASONS[entry.list as keyof typeof REASONS];
      if (!reason) return [];
      return [
        {
          EmailAddress: entry.address,
          SuppressionReason: reason,
          Origin: reason === 'ManualSuppression' ? 'Customer' : 'Recipient',
          CreatedAt: new Date(entry.createdAt).toISOString(),
        },
      ];
    }),
  });
};

const createSuppressions = (
  request: Parameters<SuppressionListing>[0],
  context: Parameters<SuppressionListing>[1],
  stream: string,
): SandboxResponse => {
  if (request.method !== 'POST') return json(405, { ErrorCode: 0, Message: 'Method not allowed' });
  if (request.headers['x-postmark-server-token'] !== context.credentials.postmark.serverToken) {
    return json(401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
  }
  if (stream !== 'outbound') {
    return json(422, { ErrorCode: 1226, Message: 'The message stream for the provided ID was not found.' });
  }
  const body = jsonBody(request) as { Suppressions?: unknown } | undefined;
  const listed = body?.Suppressions;
  if (!Array.isArray(listed) || listed.length === 0 || listed.length > 50) {
    return json(422, { ErrorCode: 1222, Message: 'Suppressions must list from 1 to 50 email addresses.' });
  }
  return json(200, {
    Suppressions: (listed as { EmailAddress?: unknown }[]).map((item) => {
      const address = item?.EmailAddress;
      if (typeof address !== 'string' || !address.includes('@')) {
        return { EmailAddress: String(address ?? ''), Status: 'Failed', Message: 'Invalid email address.' };
      }
      suppress(context.suppressions.postmark, address, 'unsubscribes', Date.now());
      return { EmailAddress: address, Status: 'Suppressed', Message: null };
    }),
  });
};

/**
 * Postmark's suppression dump: `GET /message-streams/{stream}/suppressions/dump` with the server
 * token, answering `{Suppressions: [{EmailAddress, SuppressionReason, Origin, CreatedAt}]}` —
 * HardBounce, SpamComplaint or ManualSuppression (an unsubscribe), the whole list in one answer
 * (Postmark documents no paging for the dump). The sandbox keeps one stream, `outbound`.
 */
import type { SandboxResponse } from '../types.js';
import { pathOf, type SuppressionListing } from './suppression-routes.js';

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

/**
 * SendGrid's suppression lists: `GET /v3/suppression/{bounces,blocks,spam_reports,unsubscribes}`
 * with `limit` (at most 500) and `offset`, answering a bare JSON array of
 * `{created, email, reason, status}` (`created` in Unix seconds; spam reports carry `ip`,
 * unsubscribes only `created` and `email`). An empty array is the end.
 */
import type { SandboxResponse } from '../types.js';
import { intParameter, pathOf, queryOf, type SuppressionListing } from './suppression-routes.js';

const LISTS = {
  bounces: 'bounces',
  blocks: 'blocks',
  spam_reports: 'spam_reports',
  unsubscribes: 'unsubscribes',
} as const;

const error = (status: number, message: string): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: { errors: [{ field: null, message }] },
});

export const sendgridSuppressions: SuppressionListing = (request, context) => {
  const match = /^\/v3\/suppression\/([a-z_]+)$/.exec(pathOf(request));
  if (!match) return undefined;
  const list = LISTS[match[1] as keyof typeof LISTS];
  if (!list) return error(404, 'resource not found');
  if (request.method !== 'GET') return error(405, 'method not allowed');
  if (request.headers.authorization !== `Bearer ${context.credentials.sendgrid.apiKey}`) {
    return error(401, 'The provided authorization grant is invalid, expired, or revoked');
  }
  const query = queryOf(request);
  const limit = intParameter(query, 'limit', 500, 1, 500);
  const offset = intParameter(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (limit === undefined) return error(400, 'limit must be an integer from 1 to 500');
  if (offset === undefined) return error(400, 'offset must be a non-negative integer');
  const entries = context.suppressions.sendgrid
    .filter((entry) => entry.list === list)
    .slice(offset, offset + limit);
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: entries.map((entry) => {
      const created = Math.floor(entry.createdAt / 1000);
      if (list === 'unsubscribes') return { created, email: entry.address };
      if (list === 'spam_reports') return { created, email: entry.address, ip: '192.0.2.10' };
      const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(entry.reason ?? '')?.[1] ?? '';
      return { created, email: entry.address, reason: entry.reason ?? '', status };
    }),
  };
};

/**
 * SendGrid's suppression lists: `GET /v3/suppression/{bounces,blocks,spam_reports,unsubscribes}`
 * with `limit` (at most 500) and `offset`, answering a bare JSON array of
 * `{created, email, reason, status}` (`created` in Unix seconds; spam reports carry `ip`,
 * unsubscribes only `created` and `email`). An empty array is the end.
 * Writing: `POST /v3/asm/suppressions/global` with `{recipient_emails: [...]}` adds global
 * unsubscribes and answers 201 with the same body (the only account-wide list SendGrid's API adds to).
 */
import type { SandboxResponse } from '../types.js';
import {
  intParameter,
  jsonBody,
  pathOf,
  queryOf,
  type SuppressionListing,
  suppress,
} from './suppression-routes.js';

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
  if (pathOf(request) === '/v3/asm/suppressions/global') return addGlobalUnsubscribes(request, context);
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

const addGlobalUnsubscribes: SuppressionListing = (request, context) => {
  if (request.method !== 'POST') return error(405, 'method not allowed');
  if (request.headers.authorization !== `Bearer ${context.credentials.sendgrid.apiKey}`) {
    return error(401, 'The provided authorization grant is invalid, expired, or revoked');
  }
  const body = jsonBody(request) as { recipient_emails?: unknown } | undefined;
  const emails = body?.recipient_emails;
  if (
    !Array.isArray(emails) ||
    emails.length === 0 ||
    emails.some((email) => typeof email !== 'string' || !email.includes('@'))
  ) {
    return error(400, 'recipient_emails must be a non-empty array of email addresses');
  }
  for (const email of emails as string[])
    suppress(context.suppressions.sendgrid, email, 'unsubscribes', Date.now());
  return { status: 201, headers: { 'content-type': 'application/json' }, body: { recipient_emails: emails } };
};

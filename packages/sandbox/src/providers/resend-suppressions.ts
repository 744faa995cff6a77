/**
 * Resend's suppression list (private beta in Resend's API reference): `GET /suppressions` with
 * `limit` (1–100, default 20) and the `after` cursor (the last id of the previous page), answering
 * `{object: 'list', has_more, data: [{id, email, origin: bounce|complaint|manual, source_id,
 * created_at}]}`; `POST /suppressions/batch/add` with `{emails}` (1–100) adds manual suppressions and
 * answers `{data: [{object: 'suppression', id}]}`. Errors are `{statusCode, name, message}`.
 */
import type { SandboxResponse, SandboxSuppression } from '../types.js';
import {
  intParameter,
  jsonBody,
  pathOf,
  queryOf,
  type SuppressionListing,
  suppress,
} from './suppression-routes.js';

const ORIGINS: Partial<Record<SandboxSuppression['list'], string>> = {
  bounces: 'bounce',
  complaints: 'complaint',
  unsubscribes: 'manual',
};

const error = (statusCode: number, name: string, message: string): SandboxResponse => ({
  status: statusCode,
  headers: { 'content-type': 'application/json' },
  body: { statusCode, name, message },
});

/** A stable id per listed address: its position, as a UUID-shaped string. */
const idOf = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;

export const resendSuppressions: SuppressionListing = (request, context) => {
  const path = pathOf(request);
  if (path !== '/suppressions' && path !== '/suppressions/batch/add') return undefined;
  const authorization = request.headers.authorization;
  if (!authorization) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
  if (authorization !== `Bearer ${context.credentials.resend.apiKey}`)
    return error(403, 'invalid_api_key', 'API key is invalid.');
  const entries = context.suppressions.resend;
  if (path === '/suppressions/batch/add') {
    if (request.method !== 'POST')
      return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
    const emails = (jsonBody(request) as { emails?: unknown } | undefined)?.emails;
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 100) {
      return error(422, 'validation_error', 'emails must contain between 1 and 100 email addresses.');
    }
    if (emails.some((email) => typeof email !== 'string' || !email.includes('@'))) {
      return error(422, 'validation_error', 'Invalid email address.');
    }
    for (const email of emails as string[]) suppress(entries, email, 'unsubscribes', Date.now());
    const ids = (emails as string[]).map((email) =>
      idOf(entries.findIndex((entry) => entry.address.toLowerCase() === email.toLowerCase())),
    );
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { data: ids.map((id) => ({ object: 'suppression', id })) },
    };
  }
  if (request.method !== 'GET')
    return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
  const query = queryOf(request);
  const limit = intParameter(query, 'limit', 20, 1, 100);
  if (limit === undefined) return error(422, 'validation_error', 'limit must be between 1 and 100.');
  const after = query.get('after');
  const listed = entries.flatMap((entry, index) => (ORIGINS[entry.list] ? [{ entry, index }] : []));
  const start = after === null ? 0 : listed.findIndex(({ index }) => idOf(index) === after) + 1;
  if (after !== null && start === 0)
    return error(422, 'validation_error', 'The after cursor is not a suppression id.');
  const page = listed.slice(start, start + limit);
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: {
      object: 'list',
      has_more: start + limit < listed.length,
      data: page.map(({ entry, index }) => ({
        id: idOf(index),
        email: entry.address,
        origin: ORIGINS[entry.list],
        source_id: null,
        created_at: new Date(entry.createdAt).toISOString(),
      })),
    },
  };
};

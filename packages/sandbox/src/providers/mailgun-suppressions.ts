/**
 * Mailgun's suppression lists: `GET /v3/{domain}/{bounces,complaints,unsubscribes}` with `limit`
 * (at most 1000) and the cursor Mailgun's `paging` links carry (`page=next&address=<last>`),
 * answering `{items, paging: {first, next, previous, last}}`. Bounces are
 * `{address, code, error, created_at}`, complaints `{address, created_at}`, unsubscribes
 * `{address, tags, created_at}`; times in RFC 2822. A page with no items is the end.
 * Writing: `POST` to the same path with a JSON array (at most 1 000 rows of the same shapes)
 * answers `{message: "<n> addresses have been added to the <list> table"}`.
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

const LISTS = new Set(['bounces', 'complaints', 'unsubscribes']);

const json = (status: number, body: unknown): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body,
});

export const mailgunSuppressions: SuppressionListing = (request, context) => {
  const match = /^\/v3\/([^/]+)\/(bounces|complaints|unsubscribes)$/.exec(pathOf(request));
  if (!match || !LISTS.has(match[2]!)) return undefined;
  const expected = `Basic ${Buffer.from(`api:${context.credentials.mailgun.apiKey}`).toString('base64')}`;
  if (request.headers.authorization !== expected) return { status: 401, body: 'Forbidden' };
  if (request.method !== 'GET' && request.method !== 'POST')
    return json(405, { message: 'Method Not Allowed' });
  const domain = decodeURIComponent(match[1]!);
  if (domain !== context.credentials.mailgun.domain)
    return json(404, { message: `Domain not found: ${domain}` });
  const list = match[2] as 'bounces' | 'complaints' | 'unsubscribes';
  if (request.method === 'POST')
    return addRows(request.headers['content-type'], jsonBody(request), list, context.suppressions.mailgun);
  const query = queryOf(request);
  const limit = intParameter(query, 'limit', 100, 1, 1000);
  if (limit === undefined) return json(400, { message: 'Invalid limit' });
  const all = context.suppressions.mailgun.filter((entry) => entry.list === list);
  // Mailgun's cursor: the items after `address` (page=next) or from the start.
  const after = query.get('page') === 'next' ? query.get('address') : null;
  const start = after === null ? 0 : all.findIndex((entry) => entry.address === after) + 1;
  const items = start === 0 && after !== null ? [] : all.slice(start, start + limit);
  const base = `https://api.mailgun.net/v3/${encodeURIComponent(domain)}/${list}`;
  const last = items.at(-1)?.address ?? after ?? '';
  return json(200, {
    items: items.map((entry) => {
      const created_at = new Date(entry.createdAt).toUTCString();
      if (list === 'bounces') {
        const code = /^([245]\d\d)/.exec(entry.reason ?? '')?.[1] ?? '550';
        return { address: entry.address, code, error: entry.reason ?? '', created_at };
      }
      if (list === 'unsubscribes') return { address: entry.address, tags: ['*'], created_at };
      return { address: entry.address, created_at };
    }),
    paging: {
      first: `${base}?limit=${limit}`,
      next: `${base}?page=next&address=${encodeURIComponent(last)}&limit=${limit}`,
      previous: `${base}?page=previous&address=${encodeURIComponent(items[0]?.address ?? '')}&limit=${limit}`,
      last: `${base}?page=last&limit=${limit}`,
    },
  });
};

type Row = { address?: unknown; code?: unknown; error?: unknown; created_at?: unknown; tags?: unknown };

function addRows(
  contentType: string | undefined,
  body: unknown,
  list: 'bounces' | 'complaints' | 'unsubscribes',
  entries: SandboxSuppression[],
): SandboxResponse {
  if (!contentType?.startsWith('application/json') || !Array.isArray(body)) {
    return json(400, { message: 'Expected a JSON array of suppressions (Content-Type: application/json)' });
  }
  if (body.length === 0 || body.length > 1000) {
    return json(400, { message: 'Batch size should be between 1 and 1000' });
  }
  const rows = body as Row[];
  const bad = rows.findIndex((row) => typeof row?.address !== 'string' || !row.address.includes('@'));
  if (bad !== -1) return json(400, { message: `Item ${bad}: address is required` });
  for (const row of rows) {
    const created = typeof row.created_at === 'string' ? Date.parse(row.created_at) : Number.NaN;
    const reason =
      list === 'bounces' ? `${String(row.code ?? '550')} ${String(row.error ?? '')}`.trim() : undefined;
    suppress(entries, row.address as string, list, Number.isFinite(created) ? created : Date.now(), reason);
  }
  return json(200, { message: `${rows.length} addresses have been added to the ${list} table` });
}

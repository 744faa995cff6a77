/**
 * Resend's domains API as the `resend` SDK sees it: `GET /domains` (cursor pages: `limit` 1–100,
 * `after`/`before` an id; https://resend.com/docs/api-reference/domains/list-domains) and
 * `GET /domains/{id}` with the records the domain needs
 * (https://resend.com/docs/api-reference/domains/get-domain): SPF as an MX and a TXT at the
 * Return-Path subdomain `send`, DKIM as a TXT key at `resend._domainkey`. Bearer key; errors
 * as `{statusCode, name, message}`, as the send API's.
 */
import type { SandboxRequest, SandboxResponse, SimulatorContext } from '../types.js';
import { SAMPLE_DKIM_KEY, type SandboxDomain, stateAt } from './types.js';

const REGION = 'us-east-1';

export function resendDomains(
  request: SandboxRequest,
  context: SimulatorContext,
  domains: readonly SandboxDomain[],
): SandboxResponse | undefined {
  const url = new URL(request.path, 'http://sandbox');
  const detail = /^\/domains\/([^/]+)$/.exec(url.pathname);
  if (request.method !== 'GET' || !(url.pathname === '/domains' || detail)) return undefined;
  const authorization = request.headers.authorization;
  if (!authorization) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
  if (authorization !== `Bearer ${context.credentials.resend.apiKey}`)
    return error(403, 'invalid_api_key', 'API key is invalid.');
  const held = domains
    .map((domain, index) => ({ domain, id: domainId(index), state: stateAt(domain, 'resend') }))
    .filter((entry): entry is typeof entry & { state: 'verified' | 'pending' } => entry.state !== undefined);
  if (detail) {
    const entry = held.find((candidate) => candidate.id === decodeURIComponent(detail[1]!));
    if (!entry) return error(404, 'not_found', 'Domain not found');
    return ok({ object: 'domain', ...summary(entry), records: records(entry.domain, entry.state) });
  }
  const limit = Number(url.searchParams.get('limit') ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return error(422, 'validation_error', 'The `limit` parameter must be an integer between 1 and 100.');
  }
  const after = url.searchParams.get('after');
  const before = url.searchParams.get('before');
  if (after !== null && before !== null) {
    return error(422, 'validation_error', 'The `after` and `before` parameters cannot be used together.');
  }
  let start = 0;
  let end = held.length;
  if (after !== null) start = held.findIndex((entry) => entry.id === after) + 1;
  if (before !== null)
    end = Math.max(
      0,
      held.findIndex((entry) => entry.id === before),
    );
  const page = before !== null ? held.slice(Math.max(0, end - limit), end) : held.slice(start, start + limit);
  const hasMore = before !== null ? end - limit > 0 : start + limit < held.length;
  return ok({ object: 'list', has_more: hasMore, data: page.map(summary) });
}

/** A stable UUID-shaped id per position. */
function domainId(index: number): string {
  return `d91cd9bd-1176-453e-8fc1-${String(index + 1).padStart(12, '0')}`;
}

function summary(entry: { domain: SandboxDomain; id: string; state: 'verified' | 'pending' }) {
  return {
    id: entry.id,
    name: entry.domain.name,
    status: entry.state,
    created_at: '2026-01-05T10:00:00.000Z',
    region: REGION,
    capabilities: { sending: 'enabled', receiving: 'disabled' },
  };
}

function records(domain: SandboxDomain, state: 'verified' | 'pending') {
  return [
    {
      record: 'SPF',
      name: 'send',
      type: 'MX',
      ttl: 'Auto',
      status: state,
      value: `feedback-smtp.${REGION}.amazonses.com`,
      priority: 10,
    },
    {
      record: 'SPF',
      name: 'send',
      type: 'TXT',
      ttl: 'Auto',
      status: state,
      value: '"v=spf1 include:amazonses.com ~all"',
    },
    {
      record: 'DKIM',
      name: 'resend._domainkey',
      type: 'TXT',
      ttl: 'Auto',
      status: state,
      value: `p=${domain.dkimPublicKey ?? SAMPLE_DKIM_KEY}`,
    },
  ];
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

function error(statusCode: number, name: string, message: string): SandboxResponse {
  return {
    status: statusCode,
    headers: { 'content-type': 'application/json' },
    body: { statusCode, name, message },
  };
}

/**
 * SES v2's account-level suppression list: `GET /v2/email/suppression/addresses` (SigV4-signed)
 * with `PageSize` (1–1000) and `NextToken`, answering
 * `{SuppressedDestinationSummaries: [{EmailAddress, Reason: BOUNCE|COMPLAINT, LastUpdateTime}], NextToken}`
 * (`LastUpdateTime` in epoch seconds, as AWS's REST-JSON protocol sends timestamps).
 * Writing: `PUT` to the same path with `{EmailAddress, Reason: BOUNCE|COMPLAINT}` (PutSuppressedDestination)
 * answers 200 with an empty body; an address already there takes the new reason.
 */
import { randomUUID } from 'node:crypto';
import { awsError, checkSignature } from './ses.js';
import { intParameter, jsonBody, pathOf, queryOf, type SuppressionListing } from './suppression-routes.js';

const PATH = '/v2/email/suppression/addresses';

export const sesSuppressions: SuppressionListing = (request, context) => {
  if (pathOf(request) !== PATH) return undefined;
  if (request.method !== 'GET' && request.method !== 'PUT')
    return awsError(405, 'MethodNotAllowedException', 'Method not allowed.', true);
  const denied = checkSignature(request, context);
  if (denied) return denied;
  if (request.method === 'PUT') {
    const body = jsonBody(request) as { EmailAddress?: unknown; Reason?: unknown } | undefined;
    if (typeof body?.EmailAddress !== 'string' || !body.EmailAddress.includes('@')) {
      return awsError(400, 'BadRequestException', 'EmailAddress is required and must be an email address.');
    }
    if (body.Reason !== 'BOUNCE' && body.Reason !== 'COMPLAINT') {
      return awsError(400, 'BadRequestException', "Reason must be one of 'BOUNCE' or 'COMPLAINT'.");
    }
    const list = body.Reason === 'BOUNCE' ? 'bounces' : 'complaints';
    const lower = body.EmailAddress.toLowerCase();
    const entries = context.suppressions.ses;
    const at = entries.findIndex((entry) => entry.address.toLowerCase() === lower);
    const entry = { address: body.EmailAddress, list, createdAt: Date.now() } as const;
    if (at === -1) entries.push(entry);
    else entries[at] = entry;
    return { status: 200, headers: { 'x-amzn-requestid': randomUUID() }, body: '' };
  }
  const query = queryOf(request);
  const size = intParameter(query, 'PageSize', 1000, 1, 1000);
  if (size === undefined) return awsError(400, 'BadRequestException', 'PageSize must be between 1 and 1000.');
  const token = query.get('NextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0)
    return awsError(400, 'BadRequestException', 'Invalid NextToken.');
  const all = context.suppressions.ses.filter(
    (entry) => entry.list === 'bounces' || entry.list === 'complaints',
  );
  const page = all.slice(start, start + size);
  const next =
    start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({
      SuppressedDestinationSummaries: page.map((entry) => ({
        EmailAddress: entry.address,
        Reason: entry.list === 'bounces' ? 'BOUNCE' : 'COMPLAINT',
        LastUpdateTime: entry.createdAt / 1000,
      })),
      ...(next ? { NextToken: next } : {}),
    }),
  };
};

/**
 * SES v2's account-level suppression list: `GET /v2/email/suppression/addresses` (SigV4-signed)
 * with `PageSize` (1–1000) and `NextToken`, answering
 * `{SuppressedDestinationSummaries: [{EmailAddress, Reason: BOUNCE|COMPLAINT, LastUpdateTime}], NextToken}`
 * (`LastUpdateTime` in epoch seconds, as AWS's REST-JSON protocol sends timestamps).
 */
import { randomUUID } from 'node:crypto';
import { awsError, checkSignature } from './ses.js';
import { intParameter, pathOf, queryOf, type SuppressionListing } from './suppression-routes.js';

const PATH = '/v2/email/suppression/addresses';

export const sesSuppressions: SuppressionListing = (request, context) => {
  if (pathOf(request) !== PATH) return undefined;
  if (request.method !== 'GET')
    return awsError(405, 'MethodNotAllowedException', 'Method not allowed.', true);
  const denied = checkSignature(request, context);
  if (denied) return denied;
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

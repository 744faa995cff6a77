/**
 * Resend's send API as the official `resend` SDK sees it: `POST /emails` with a Bearer key and an
 * optional `Idempotency-Key`, 200 `{"id": "<uuid>"}`, and `{statusCode, name, message}` errors
 * with rate-limit headers (Resend's API reference, "Errors" and "Usage Limits").
 */
import { randomUUID } from 'node:crypto';
import type { Fault, ProviderSimulator, SandboxResponse } from '../types.js';
import { parseResendRequest } from './resend-request.js';

function error(
  statusCode: number,
  name: string,
  message: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status: statusCode, headers, body: { statusCode, name, message } };
}

/** Answer a fault the way Resend answers that situation. */
function renderResendFault(fault: Fault): SandboxResponse {
  switch (fault.kind) {
    case 'server_error':
      return error(500, 'application_error', 'An unexpected error occurred.');
    case 'rate_limited': {
      const seconds = fault.retryAfterSeconds ?? 1;
      return error(
        429,
        'rate_limit_exceeded',
        'Too many requests. You can only make 5 requests per second.',
        {
          'retry-after': String(seconds),
          'ratelimit-limit': '5',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(seconds),
        },
      );
    }
    case 'malformed':
      // A proxy's answer: 200 JSON that is not a send result.
      return { status: 200, body: { ok: true } };
    case 'quota_exhausted':
      return error(429, 'daily_quota_exceeded', 'You have reached your daily email sending quota.');
    case 'account_suspended':
      // Not in Resend's error list: the sandbox's stand-in for a team that may no longer send.
      return error(403, 'validation_error', 'Your account has been suspended. Please contact support.');
    case 'message_too_large':
      // Resend caps an email at 40 MB after encoding; the sandbox's wording.
      return error(422, 'validation_error', 'The email payload is too large: the maximum size is 40MB.');
    default:
      // outage (hang and reset are performed by the server itself).
      return {
        status: 503,
        headers: { 'content-type': 'text/html' },
        body: '<html><body>503 Service Unavailable</body></html>',
      };
  }
}

/** Idempotency keys seen, with the id they produced: a retried request gets the same answer. */
const answered = new Map<string, string>();

export const resendSimulator: ProviderSimulator = {
  kind: 'resend',
  handle(request, context) {
    const path = request.path.split('?')[0];
    if (path !== '/emails') return error(404, 'not_found', 'The requested endpoint does not exist.');
    if (request.method !== 'POST')
      return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
    const authorization = request.headers.authorization;
    if (!authorization) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    if (authorization !== `Bearer ${context.credentials.resend.apiKey}`)
      return error(403, 'invalid_api_key', 'API key is invalid.');
    const key = request.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(key) ? key[0] : key;
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 256))
      return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
    const known =
      idempotencyKey === undefined
        ? undefined
        : answered.get(`${context.credentials.resend.apiKey}:${idempotencyKey}`);
    if (known) return { status: 200, body: { id: known } };
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return error(400, 'validation_error', 'Invalid JSON body.');
    }
    const parsed = parseResendRequest(body);
    if (!parsed.ok) return { status: parsed.error.statusCode, body: parsed.error };
    const accepted = context.accept({ ...parsed.message, providerMessageId: randomUUID() });
    if (answered.size >= 10_000) answered.clear();
    if (idempotencyKey !== undefined)
      answered.set(`${context.credentials.resend.apiKey}:${idempotencyKey}`, accepted.providerMessageId);
    return { status: 200, body: { id: accepted.providerMessageId } };
  },
  renderFault: renderResendFault,
};

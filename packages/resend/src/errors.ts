/**
 * What a failed Resend call means: Resend's error names first, the HTTP status second
 * (docs/adapters.md, "errors.ts"; Resend's API reference, "Errors"). The shared steps are the kit's.
 */
import type { Classifier, FailureRow, ProviderAnswer } from '@mailover/core/provider';
import { createClassifier, parseRetryAfter, statusRow } from '@mailover/core/provider';
import { ResendApiError } from './client.js';
import { lookupTable } from '@mailover/core/provider';

/** Resend's error names → failures. A name Resend uses at several statuses is refined by `RESEND_TEXT_RULES`. */
export const RESEND_ERROR_NAMES: Readonly<Record<string, FailureRow>> = lookupTable({
  missing_api_key: { code: 'auth_failed' },
  invalid_api_key: { code: 'auth_failed' },
  restricted_api_key: { code: 'auth_failed' },
  not_found: { code: 'auth_failed' }, // a wrong endpoint: this provider is misconfigured
  method_not_allowed: { code: 'auth_failed' },
  invalid_idempotency_key: { code: 'message_rejected' },
  invalid_idempotent_request: { code: 'message_rejected' },
  concurrent_idempotent_requests: { code: 'rate_limited' },
  invalid_from_address: { code: 'invalid_message' },
  invalid_attachment: { code: 'invalid_message' },
  missing_required_field: { code: 'invalid_message' },
  invalid_parameter: { code: 'invalid_message' },
  invalid_access: { code: 'auth_failed' },
  invalid_region: { code: 'auth_failed' },
  rate_limit_exceeded: { code: 'rate_limited' },
  daily_quota_exceeded: { code: 'quota_exceeded' },
  monthly_quota_exceeded: { code: 'quota_exceeded' },
  security_error: { code: 'message_rejected' },
  application_error: { code: 'provider_unavailable', outcome: 'unknown' },
  internal_server_error: { code: 'provider_unavailable', outcome: 'unknown' },
});

/** `validation_error` covers a bad field (400/422), a bad key (401/403) and an unverified domain (403). */
export const RESEND_TEXT_RULES: readonly (FailureRow & { readonly text: RegExp })[] = [
  { text: /suspended/i, code: 'account_suspended' },
  { text: /domain is not verified|verify a domain|only send testing emails/i, code: 'sender_not_verified' },
  { text: /API key is invalid/i, code: 'auth_failed' },
  { text: /too large|maximum size/i, code: 'message_rejected' },
];

function answer(
  error: Record<PropertyKey, unknown>,
  { now }: { readonly now: number },
): ProviderAnswer | undefined {
  if (!(error instanceof ResendApiError)) return undefined;
  const status = error.statusCode ?? undefined;
  const text = `${error.errorName}${status ? ` ${status}` : ''}: ${error.message}`;
  // The SDK's answer when no HTTP answer came (refused, reset, timed out): it keeps no cause.
  if (status === undefined)
    return { row: { code: 'network', outcome: 'unknown', providerCode: error.errorName }, text };
  const rule = RESEND_TEXT_RULES.find((candidate) => candidate.text.test(error.message));
  const named = RESEND_ERROR_NAMES[error.errorName];
  const row =
    rule ??
    (error.errorName === 'validation_error' ? statusRow(status, 'invalid_message') : named) ??
    statusRow(status);
  return {
    row: { ...row, providerCode: error.errorName },
    text,
    status,
    retryAfterMs:
      row.code === 'rate_limited' ? parseRetryAfter(error.headers['retry-after'], now) : undefined,
  };
}

/** Describe anything a Resend send threw. Pure and total; `context.secrets` never appear. */
export const classifyResendError: Classifier = createClassifier({
  provider: 'Resend',
  answer,
  scrub: [/re_[A-Za-z0-9_]{8,}/g],
});

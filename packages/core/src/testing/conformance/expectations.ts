import type { ConformanceFault, FaultExpectation } from './target.js';

/**
 * What each fault must become, for an HTTP API. Where an API cannot tell two situations apart
 * (SendGrid has no distinct quota error), the codes it may honestly report are listed.
 */
export const DEFAULT_FAULT_EXPECTATIONS: Readonly<Record<ConformanceFault, FaultExpectation>> = {
  outage: { codes: ['provider_unavailable'], calls: 'retry' },
  server_error: { codes: ['provider_unavailable'], calls: 'retry' },
  rate_limited: { codes: ['rate_limited'], calls: 'retry', retryAfter: true },
  hang: { codes: ['timeout'], calls: 'retry' },
  reset: { codes: ['network'], calls: 'retry' },
  // Accepted, then the answer is lost: from the client, the same as the two above, and ambiguous.
  accept_then_reset: { codes: ['network'], calls: 'retry' },
  accept_then_hang: { codes: ['timeout'], calls: 'retry' },
  malformed: { codes: ['unknown', 'provider_unavailable'], calls: 'retry' },
  quota_exhausted: { codes: ['quota_exceeded', 'rate_limited', 'account_suspended'], calls: 'once' },
  account_suspended: { codes: ['account_suspended', 'auth_failed'], calls: 'once' },
  message_too_large: { codes: ['message_rejected'], calls: 'once' },
};

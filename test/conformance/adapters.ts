import type { FailureCode, ProviderV1 } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import type { FaultKind, Sandbox, SandboxCredentials, SandboxProviderKind } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';

/** Build one adapter pointed at the sandbox, with the given credentials and a short timeout. */
export type AdapterFactory = (
  sandbox: Sandbox,
  credentials: SandboxCredentials,
  timeoutMs: number,
) => ProviderV1;

export const ADAPTERS: Readonly<Record<SandboxProviderKind, AdapterFactory>> = {
  sendgrid: (sandbox, credentials, timeoutMs) =>
    sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid, timeoutMs }),
  ses: (sandbox, credentials, timeoutMs) =>
    ses({
      region: credentials.ses.region,
      credentials: {
        accessKeyId: credentials.ses.accessKeyId,
        secretAccessKey: credentials.ses.secretAccessKey,
      },
      endpoint: sandbox.endpoints.ses,
      timeoutMs,
    }),
  mailgun: (sandbox, credentials, timeoutMs) =>
    mailgun({
      apiKey: credentials.mailgun.apiKey,
      domain: credentials.mailgun.domain,
      endpoint: sandbox.endpoints.mailgun,
      timeoutMs,
    }),
  postmark: (sandbox, credentials, timeoutMs) =>
    postmark({
      serverToken: credentials.postmark.serverToken,
      endpoint: sandbox.endpoints.postmark,
      timeoutMs,
    }),
};

/**
 * What each sandbox fault must become. Where a provider's API cannot tell two situations apart
 * (SendGrid has no distinct quota error), the codes it may honestly report are listed.
 */
export const FAULT_EXPECTATIONS: Readonly<
  Record<
    Exclude<FaultKind, never>,
    { readonly codes: readonly FailureCode[]; readonly calls: 'retry' | 'once' }
  >
> = {
  outage: { codes: ['provider_unavailable'], calls: 'retry' },
  server_error: { codes: ['provider_unavailable'], calls: 'retry' },
  rate_limited: { codes: ['rate_limited'], calls: 'retry' },
  hang: { codes: ['timeout'], calls: 'retry' },
  reset: { codes: ['network'], calls: 'retry' },
  // The message is accepted, then the answer is lost: from the client, the same as the two above.
  accept_then_reset: { codes: ['network'], calls: 'retry' },
  accept_then_hang: { codes: ['timeout'], calls: 'retry' },
  malformed: { codes: ['unknown', 'provider_unavailable'], calls: 'retry' },
  quota_exhausted: { codes: ['quota_exceeded', 'rate_limited', 'account_suspended'], calls: 'once' },
  account_suspended: { codes: ['account_suspended', 'auth_failed'], calls: 'once' },
  message_too_large: { codes: ['message_rejected'], calls: 'once' },
};

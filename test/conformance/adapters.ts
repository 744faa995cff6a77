import type { ProviderV1 } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import { resend } from '@mailover/resend';
import type { Sandbox, SandboxCredentials, SandboxProviderKind } from '@mailover/sandbox';
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
  resend: (sandbox, credentials, timeoutMs) =>
    resend({ apiKey: credentials.resend.apiKey, endpoint: sandbox.endpoints.resend, timeoutMs }),
};

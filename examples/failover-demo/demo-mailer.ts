/**
 * The demo's mailer: four real provider SDKs pointed at the sandbox, by priority in code
 * (SendGrid first, then SES, Mailgun, Postmark). Shared by the demo and its browser test.
 */
import { createMailer, type Mailer } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import type { Sandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';

export function demoMailer(sandbox: Pick<Sandbox, 'endpoints' | 'credentials'>): Mailer {
  const { endpoints, credentials } = sandbox;
  return createMailer({
    providers: [
      sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint: endpoints.sendgrid, timeoutMs: 2_000 }),
      ses({ ...credentials.ses, credentials: credentials.ses, endpoint: endpoints.ses, timeoutMs: 2_000 }),
      mailgun({ ...credentials.mailgun, endpoint: endpoints.mailgun, timeoutMs: 2_000 }),
      postmark({
        serverToken: credentials.postmark.serverToken,
        endpoint: endpoints.postmark,
        timeoutMs: 2_000,
      }),
    ],
    retry: { retries: 2, minDelayMs: 50, maxDelayMs: 400, maxRetryAfterMs: 2_000 },
    breaker: { failureThreshold: 3, cooldownMs: 60_000 },
  });
}

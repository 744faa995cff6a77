/** The four HTTP adapters pointed at a sandbox, with its webhook keys: what the e2e suites send through. */
import type { Provider } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import type { Sandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';

export function sandboxProviders(sandbox: Sandbox): Provider[] {
  const { endpoints, credentials, webhooks } = sandbox;
  return [
    sendgrid({
      apiKey: credentials.sendgrid.apiKey,
      endpoint: endpoints.sendgrid,
      ...webhooks.adapterOptions.sendgrid,
    }),
    ses({
      region: credentials.ses.region,
      credentials: credentials.ses,
      endpoint: endpoints.ses,
      ...webhooks.adapterOptions.ses(),
    }),
    mailgun({ ...credentials.mailgun, endpoint: endpoints.mailgun, ...webhooks.adapterOptions.mailgun }),
    postmark({
      serverToken: credentials.postmark.serverToken,
      endpoint: endpoints.postmark,
      ...webhooks.adapterOptions.postmark,
    }),
  ];
}

import { testProvider } from '@mailover/core/testing';
import { sandboxTarget } from '@mailover/sandbox';
import { mailgun } from '../src/index.js';

await testProvider(() =>
  sandboxTarget('mailgun', ({ endpoint, credentials, timeoutMs, webhooks }) =>
    mailgun({ ...credentials.mailgun, endpoint, timeoutMs, ...webhooks.mailgun }),
  ),
);

import { testProvider } from '@mailover/core/testing';
import { sandboxTarget } from '@mailover/sandbox';
import { sendgrid } from '../src/index.js';

await testProvider(() =>
  sandboxTarget('sendgrid', ({ endpoint, credentials, timeoutMs, webhooks }) =>
    sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint, timeoutMs, ...webhooks.sendgrid }),
  ),
);

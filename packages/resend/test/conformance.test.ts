import { testProvider } from '@mailover/core/testing';
import { sandboxTarget } from '@mailover/sandbox';
import { resend } from '../src/index.js';

await testProvider(() =>
  sandboxTarget('resend', ({ endpoint, credentials, timeoutMs, webhooks }) =>
    resend({ apiKey: credentials.resend.apiKey, endpoint, timeoutMs, ...webhooks.resend }),
  ),
);

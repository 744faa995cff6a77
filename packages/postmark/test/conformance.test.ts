import { testProvider } from '@mailover/core/testing';
import { sandboxTarget } from '@mailover/sandbox';
import { postmark } from '../src/index.js';

await testProvider(() =>
  sandboxTarget('postmark', ({ endpoint, credentials, timeoutMs, webhooks }) =>
    postmark({ serverToken: credentials.postmark.serverToken, endpoint, timeoutMs, ...webhooks.postmark }),
  ),
);

import { testProvider } from '@mailover/core/testing';
import { sandboxTarget } from '@mailover/sandbox';
import { ses } from '../src/index.js';

await testProvider(() =>
  sandboxTarget('ses', ({ endpoint, credentials: { ses: key }, timeoutMs, webhooks }) =>
    ses({
      region: key.region,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      endpoint,
      timeoutMs,
      ...webhooks.ses(),
    }),
  ),
);

import type { NormalizedMessage, ProviderSendContext } from '@mailover/core';

/** A NormalizedMessage built by hand (the normalizer is not what these tests are about). */
export function testMessage(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return {
    id: 'msg_01HTESTMAILGUN',
    messageId: '<msg_01HTESTMAILGUN@example.test>',
    from: { address: 'sender@example.test', name: 'Sender Name' },
    to: [{ address: 'to@example.org', name: 'To, Person' }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 'Hello from mailover',
    text: 'plain body',
    attachments: [],
    headers: {},
    tags: [],
    metadata: {},
    sizeBytes: 1000,
    ...overrides,
  };
}

/** A send context with a live signal. */
export function testContext(overrides: Partial<ProviderSendContext> = {}): ProviderSendContext {
  return { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'idem-1', ...overrides };
}

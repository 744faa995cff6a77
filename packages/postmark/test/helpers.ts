import type { NormalizedMessage, ProviderSendContext } from '@mailover/core';

/** Bytes that are not valid UTF-8, so any text round-trip would change them. */
export const BINARY_BYTES = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x0d, 0x1b, 0x7f, 0xc3, 0x28]);

/** A NormalizedMessage written out by hand (the normalizer is not under test here). */
export function makeMessage(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return {
    id: 'mo_01HTESTMESSAGE',
    messageId: '<mo_01HTESTMESSAGE@example.test>',
    from: { address: 'sender@example.com', name: 'Sender Name' },
    to: [{ address: 'jane@example.org', name: 'Doe, Jane' }, { address: 'bob@example.org' }],
    cc: [{ address: 'carol@example.org', name: 'Carol' }],
    bcc: [{ address: 'dave@example.org' }],
    replyTo: [{ address: 'replies@example.com', name: 'Replies' }],
    subject: 'Your receipt',
    text: 'Thanks for your order.',
    html: '<p>Thanks for your <b>order</b>.</p><img src="cid:logo@example.test">',
    attachments: [
      {
        filename: 'receipt.txt',
        content: new TextEncoder().encode('total: 42\n'),
        contentType: 'text/plain',
      },
      { filename: 'blob.bin.dat', content: BINARY_BYTES, contentType: 'application/octet-stream' },
      {
        filename: 'logo.png',
        content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
        contentType: 'image/png',
        cid: 'logo@example.test',
      },
    ],
    headers: { 'X-Order-Id': 'order-42', 'List-Unsubscribe': '<mailto:unsubscribe@example.com>' },
    tags: ['receipts'],
    metadata: { tenant: 'acme', order: '42' },
    sizeBytes: 2048,
    ...overrides,
  };
}

/** The context the engine gives `send`, with a signal that never aborts unless one is given. */
export function sendContext(overrides: Partial<ProviderSendContext> = {}): ProviderSendContext {
  return { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'idem-1', ...overrides };
}

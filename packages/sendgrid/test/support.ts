import type { NormalizedMessage } from '@mailover/core';
import type { ProviderSendContext } from '@mailover/core';

/** Bytes that are not valid UTF-8, so any text round-trip would change them. */
export const BINARY = Buffer.from([
  0x00, 0xff, 0xfe, 0x80, 0x81, 0x7f, 0x0a, 0x0d, 0xc3, 0x28, 0x89, 0x50, 0x4e, 0x47,
]);

/** A NormalizedMessage with every field used; override what a test needs. */
export function fullMessage(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return {
    id: 'mo_01HTEST',
    messageId: '<mo_01HTEST@example.test>',
    from: { address: 'sender@example.com', name: 'Sender Name' },
    to: [{ address: 'ada@example.org', name: 'Ada Lovelace' }, { address: 'alan@example.org' }],
    cc: [{ address: 'grace@example.org', name: 'Grace' }],
    bcc: [{ address: 'audit@example.com' }],
    replyTo: [{ address: 'support@example.com', name: 'Support' }],
    subject: 'Your order — #42',
    text: 'Plain body ✓',
    html: '<p>HTML body ✓ <img src="cid:logo"></p>',
    attachments: [
      {
        filename: 'report.txt',
        content: new TextEncoder().encode('hello, report'),
        contentType: 'text/plain',
      },
      { filename: 'blob.bin', content: new Uint8Array(BINARY), contentType: 'application/octet-stream' },
      { filename: 'logo.png', content: new Uint8Array(BINARY), contentType: 'image/png', cid: 'logo' },
    ],
    headers: { 'X-Trace-Id': 'trace-123', 'List-Unsubscribe': '<mailto:unsubscribe@example.com>' },
    tags: ['receipt', 'orders'],
    metadata: { tenant: 'acme', order: '42' },
    sizeBytes: 2048,
    ...overrides,
  };
}

/** A send context with a fresh, never-aborted signal. */
export function sendContext(overrides: Partial<ProviderSendContext> = {}): ProviderSendContext {
  return { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'idem-1', ...overrides };
}

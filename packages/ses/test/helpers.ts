import type { NormalizedMessage } from '@mailover/core';
import type { Sandbox } from '@mailover/sandbox';
import { type SesOptions, ses } from '../src/index.js';

/** A message with every field set, built directly (the normalizer lives elsewhere). */
export function sampleMessage(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return {
    id: 'mo-01HZX3K9Q8',
    messageId: '<mo-01HZX3K9Q8@example.test>',
    from: { address: 'sender@example.test', name: 'Ada Sender' },
    to: [{ address: 'rcpt@example.org', name: 'Zoë Recipient' }, { address: 'second@example.org' }],
    cc: [{ address: 'copy@example.org' }],
    bcc: [{ address: 'hidden@example.org' }],
    replyTo: [{ address: 'replies@example.test', name: 'Replies, Inc.' }],
    subject: 'Grüße from mailover',
    text: 'plain body',
    html: '<p>html body <img src="cid:logo@mailover"></p>',
    attachments: [],
    headers: { 'X-Campaign': 'spring' },
    tags: ['welcome'],
    metadata: { tenant: 'acme' },
    sizeBytes: 1000,
    ...overrides,
  };
}

export function sendContext(extra: { recipients?: readonly string[]; signal?: AbortSignal } = {}) {
  return {
    signal: extra.signal ?? new AbortController().signal,
    attempt: 1,
    idempotencyKey: 'key-1',
    ...(extra.recipients ? { recipients: extra.recipients } : {}),
  };
}

/** An adapter pointed at the sandbox with its credentials. */
export function sandboxProvider(sandbox: Sandbox, options: SesOptions = {}) {
  const { region, accessKeyId, secretAccessKey } = sandbox.credentials.ses;
  return ses({
    region,
    credentials: { accessKeyId, secretAccessKey },
    endpoint: sandbox.endpoints.ses,
    ...options,
  });
}

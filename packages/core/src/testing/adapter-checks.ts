/**
 * For testing an adapter: the ConfigurationError a build throws, and a small valid message to hand
 * a provider's `send` directly, below mailover's own validation.
 */
import { ConfigurationError } from '../adapter-kit.js';
import type { NormalizedMessage } from '../message/types.js';
import type { ProviderSendContext } from '../provider.js';

/** The ConfigurationError `build` throws; throws itself when `build` returns or throws anything else. */
export function configurationErrorOf(build: () => unknown): ConfigurationError {
  try {
    build();
  } catch (error) {
    if (ConfigurationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError, and the build succeeded');
}

/** A normalized one-recipient text message, with `overrides` applied. */
export function normalizedMessage(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  return {
    id: 'mo-test',
    messageId: '<mo-test@example.test>',
    from: { address: 'app@example.test' },
    to: [{ address: 'ok@example.org' }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 'Hello',
    text: 'plain',
    attachments: [],
    headers: {},
    tags: [],
    metadata: {},
    sizeBytes: 100,
    ...overrides,
  };
}

/** A send context for calling `provider.send` directly: a first attempt that nothing aborts. */
export function sendContext(recipients?: readonly string[]): ProviderSendContext {
  return {
    signal: new AbortController().signal,
    attempt: 1,
    idempotencyKey: 'test',
    ...(recipients ? { recipients } : {}),
  };
}

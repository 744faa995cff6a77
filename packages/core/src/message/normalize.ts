import { ValidationError } from '../errors.js';
import type { MessageInput, NormalizedMessage } from './types.js';

// Placeholder until the zod schema lands.
export function normalizeMessage(_input: MessageInput, _options: NormalizeOptions = {}): NormalizedMessage {
  throw new ValidationError([{ path: '', message: 'not implemented' }]);
}

export interface NormalizeOptions {
  /** Domain used on the right of generated Message-IDs. Default: the sender's domain. */
  readonly messageIdDomain?: string;
  /** Largest message accepted at all, bytes. Default 40 MiB. */
  readonly maxMessageBytes?: number;
}

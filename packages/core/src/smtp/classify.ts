import type { SmtpReplyClassification } from './types.js';

// Placeholder until the rule tables land.
export function classifySmtpReply(text: string): SmtpReplyClassification {
  return {
    basic: 0,
    category: 'other_transient',
    transient: true,
    text,
    explanation: 'Not yet classified.',
    advice: 'Retry later.',
  };
}

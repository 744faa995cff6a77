import { describe, expect, it } from 'vitest';
import { isRecipientLimitReply } from '../src/recipient-limit.js';

describe('isRecipientLimitReply', () => {
  it('is a 452 or 552 for too many recipients, by its X.5.3 code or, without one, its words', () => {
    for (const reply of [
      '452 4.5.3 Error: too many recipients',
      '452-4.5.3 Your message has too many recipients.',
      '452 too many recipients',
      '552 5.5.3 Too many recipients',
      '552 Too many recipients',
      '452 4.5.3 Service unavailable, recipients per message limit reached',
    ])
      expect(isRecipientLimitReply(reply), reply).toBe(true);
  });

  it('is not a full mailbox, a full disk, another code, or a 552 that says something else', () => {
    for (const reply of [
      '452 4.2.2 Mailbox full',
      '452 4.3.1 Insufficient system storage',
      '552 5.2.2 Mailbox full',
      '552 Message size exceeds fixed maximum message size',
      '550 5.5.3 Too many recipients',
      '450 4.2.0 Greylisted',
      '4523 too many recipients',
      '',
    ])
      expect(isRecipientLimitReply(reply), reply).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlCharacterProblem } from '../src/message/address.js';
import { normalizeMessage } from '../src/message/normalize.js';
import { measureMessage } from '../src/message/size.js';

/** The header bytes as the size was first written: every address line built as text, then counted. */
function headerBytesByText(message: ReturnType<typeof normalizeMessage>): number {
  const text = (address: { address: string; name?: string }) =>
    address.name === undefined ? address.address : `"${address.name}" <${address.address}>`;
  const line = (name: string, value: string) => name.length + 2 + Buffer.byteLength(value) + 2;
  const list = (name: string, addresses: readonly { address: string; name?: string }[]) =>
    addresses.length === 0 ? 0 : line(name, addresses.map((address) => `${text(address)}, `).join(''));
  let bytes =
    line('From', text(message.from)) +
    list('To', message.to) +
    list('Cc', message.cc) +
    list('Bcc', message.bcc) +
    list('Reply-To', message.replyTo) +
    line('Subject', message.subject) +
    line('Message-ID', message.messageId);
  for (const [name, value] of Object.entries(message.headers)) bytes += line(name, value);
  return bytes;
}

describe('measureMessage', () => {
  it('counts address lines as the text they become, without building it', () => {
    const name = fc.option(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }), { nil: undefined });
    const local = fc.constantFrom('ada', 'bob.smith', 'jösé', 'x+tag');
    const recipient = fc.record({ name, local }).map(({ name: display, local: box }) => ({
      address: `${box}@example.com`,
      ...(display?.trim() && !controlCharacterProblem(display) ? { name: display } : {}),
    }));
    fc.assert(
      fc.property(fc.array(recipient, { minLength: 1, maxLength: 4 }), recipient, (to, from) => {
        const message = normalizeMessage({ from, to, cc: to.slice(1), subject: 'Grüße', text: 'hi' });
        expect(measureMessage(message).headers).toBe(headerBytesByText(message));
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddress } from '../src/message/types.js';

/** formatAddress as it was written with a regular expression: the character-code loop must agree. */
function byRegularExpression(address: { address: string; name?: string }): string {
  if (!address.name) return address.address;
  const needsQuotes = /[^\w !#$%&'*+\-/=?^`{|}~\u0080-\uFFFF]/.test(address.name);
  const name = needsQuotes ? `"${address.name.replace(/(["\\])/g, '\\$1')}"` : address.name;
  return `${name} <${address.address}>`;
}

describe('formatAddress', () => {
  it('quotes a display name exactly when the regular expression says so', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xffff }),
      fc.constantFrom(0x22, 0x5c, 0x2c, 0x3c, 0x40, 0x2e, 0x5f, 0x20),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (units) => {
        const address = { address: 'ada@example.com', name: String.fromCharCode(...units) };
        expect(formatAddress(address)).toBe(byRegularExpression(address));
      }),
      { numRuns: 5_000 },
    );
  });

  it('formats the usual cases', () => {
    expect(formatAddress({ address: 'ada@example.com' })).toBe('ada@example.com');
    expect(formatAddress({ address: 'ada@example.com', name: 'Ada Lovelace' })).toBe(
      'Ada Lovelace <ada@example.com>',
    );
    expect(formatAddress({ address: 'ada@example.com', name: 'Lovelace, Ada' })).toBe(
      '"Lovelace, Ada" <ada@example.com>',
    );
    expect(formatAddress({ address: 'ada@example.com', name: 'Ada "the Countess"' })).toBe(
      '"Ada \\"the Countess\\"" <ada@example.com>',
    );
    expect(formatAddress({ address: 'jose@example.com', name: 'José Ñúñez' })).toBe(
      'José Ñúñez <jose@example.com>',
    );
  });
});

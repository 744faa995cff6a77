import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Length } from '../src/message/utf8-length.js';

// utf8Length stands in for Buffer.byteLength on every send (docs/performance.md): held to it here.
describe('utf8Length', () => {
  it('counts as Buffer.byteLength does, code unit by code unit', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0x7ff }),
      fc.integer({ min: 0x800, max: 0xd7ff }),
      fc.integer({ min: 0xd800, max: 0xdfff }), // surrogates, paired or lone
      fc.integer({ min: 0xe000, max: 0xffff }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
        const text = String.fromCharCode(...units);
        expect(utf8Length(text)).toBe(Buffer.byteLength(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('counts the cases at each boundary', () => {
    for (const text of [
      '',
      'ada@example.com',
      'é', // 2 bytes
      '€', // 3 bytes
      '😀', // a surrogate pair: 4 bytes
      '\uD83D', // a lone high surrogate: written as U+FFFD, 3 bytes
      '\uDE00x', // a lone low surrogate
      '\uD83D\uD83D\uDE00', // a lone high surrogate, then a pair
      'x\uD83D', // a high surrogate last
    ]) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(Buffer.byteLength(text));
    }
  });

  it('hands long strings to Buffer.byteLength with the same answer', () => {
    const long = `${'Grüße 😀 '.repeat(2_000)}\uD83D`;
    expect(long.length).toBeGreaterThan(256);
    expect(utf8Length(long)).toBe(Buffer.byteLength(long));
    const edge = 'é'.repeat(256);
    expect(utf8Length(edge)).toBe(Buffer.byteLength(edge));
  });
});

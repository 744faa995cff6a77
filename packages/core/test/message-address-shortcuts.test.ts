/**
 * checkMailbox and splitWrittenAddress answer plain ASCII by character code (warm between HTTP
 * calls, where a regular expression's code is cold). These hold the shortcuts to the grammar they
 * replace: RFC 5322 dot-atom for the local part, `/\s/` for spaces, CR/LF for header injection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMailbox, controlCharacterProblem, splitWrittenAddress } from '../src/message/address.js';

const ASCII_DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Every printable ASCII character, the dot twice as likely, and a few controls and spaces.
const localCharacter = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('.', '.', '\t', '\u00a0', 'é'),
);

describe('ASCII shortcuts in address checks', () => {
  it('a local part is accepted exactly when it is a dot-atom (or a valid quoted string)', () => {
    fc.assert(
      fc.property(fc.array(localCharacter, { minLength: 1, maxLength: 20 }), (characters) => {
        const local = characters.join('');
        if (local.startsWith('"') || local.trim() !== local) return; // other rules decide these
        if (local.includes('@')) return;
        const accepted = typeof checkMailbox(`${local}@example.com`) === 'string';
        if (local.split('').every((character) => character.charCodeAt(0) < 0x80)) {
          expect(accepted).toBe(ASCII_DOT_ATOM.test(local));
        } else {
          // Non-ASCII goes to the Unicode grammar (RFC 6531), which takes é and NBSP like letters.
          const asLetters = local.replaceAll('é', 'e').replaceAll('\u00a0', 'e');
          expect(accepted).toBe(ASCII_DOT_ATOM.test(asLetters));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('says a bare address holds a space exactly when /\\s/ finds one', () => {
    const character = fc.oneof(
      fc.constantFrom('a', '@', '.', 'x'),
      fc.constantFrom(' ', '\t', '\v', '\f', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b', '\x1f'),
    );
    fc.assert(
      fc.property(fc.array(character, { minLength: 1, maxLength: 12 }), (characters) => {
        const text = `a${characters.join('')}z`;
        const result = splitWrittenAddress(text);
        const refused = 'problem' in result && result.problem.includes('holds a space');
        expect(refused).toBe(/\s/.test(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes non-ASCII letters in the local part and refuses DEL and C1 controls', () => {
    // Regression: a hyphen ending the atext class made a range with the non-ASCII one after it.
    for (const local of ['josé', 'δοκιμή', 'пользователь', 'उपयोगकर्ता', '用户', 'a-b'])
      expect(checkMailbox(`${local}@example.com`)).toBe(`${local}@example.com`);
    for (const local of ['a\x7fb', 'a\u0085b', 'a\u009fb'])
      expect(checkMailbox(`${local}@example.com`)).toMatchObject({ problem: /only allowed inside quotes/ });
  });

  it('refuses line breaks and every other control character anywhere, and nothing else', () => {
    for (const [value, refused] of [
      ['ada@example.com', false],
      ['Tab\there, é, \u00a0, ✉️, 用户', false],
      ['ada@example.com\n', true],
      ['\rada@example.com', true],
      ['Subject\r\nBcc: x', true],
      ['a\0b', true],
      ['a\u000bb', true], // VT
      ['a\u000cb', true], // FF
      ['a\u001b[31mb', true], // ESC: a terminal escape
      ['a\u007fb', true], // DEL
      ['a\u0085b', true], // NEL, a line end to some parsers
      ['a\u009bb', true], // C1 CSI
      ['a\u2028b', true],
      ['a\u2029b', true],
    ] as const) {
      expect(controlCharacterProblem(value) !== undefined, JSON.stringify(value)).toBe(refused);
    }
    expect(controlCharacterProblem('ab\u001bc')).toMatch(/U\+001B \(ESC\) at position 2/);
  });

  it('property: a value is refused exactly when it holds a C0 (but TAB), DEL, C1 or U+2028/2029', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (value) => {
        const expected = [...value].some((character) => {
          const code = character.charCodeAt(0);
          return (
            (code < 0x20 && code !== 0x09) ||
            (code >= 0x7f && code <= 0x9f) ||
            code === 0x2028 ||
            code === 0x2029
          );
        });
        expect(controlCharacterProblem(value) !== undefined).toBe(expected);
      }),
    );
  });

  it('counts octets, not characters, near the SMTP limits', () => {
    expect(typeof checkMailbox(`${'a'.repeat(64)}@example.com`)).toBe('string');
    expect(checkMailbox(`${'a'.repeat(65)}@example.com`)).toMatchObject({ problem: /64 octets/ });
    // 22 characters, 66 octets in UTF-8: over, though 22 × 3 is the only hint from the length.
    expect(checkMailbox(`${'€'.repeat(22)}@example.com`)).toMatchObject({ problem: /64 octets/ });
    expect(typeof checkMailbox(`${'€'.repeat(21)}@example.com`)).toBe('string');
    const domain = `${'d'.repeat(59)}.${'e'.repeat(59)}.${'f'.repeat(59)}.example`; // 187 characters
    expect(typeof checkMailbox(`${'a'.repeat(64)}@${domain}`)).toBe('string'); // 252 octets
    expect(checkMailbox(`${'a'.repeat(64)}@gggg.${domain}`)).toMatchObject({ problem: /254 octets/ }); // 257
  });
});

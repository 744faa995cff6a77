import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSimpleMessage } from '../src/message/fast-path.js';
import { messageSchema } from '../src/message/schema.js';

// Values chosen to sit on both sides of every rule the fast path repeats.
const addressText = fc.constantFrom(
  'ada@example.com',
  'Ada Lovelace <ada@example.com>',
  '"Lovelace, Ada" <ada@example.com>',
  'ADA@Example.COM',
  'ada@bücher.example',
  'ada@xn--bcher-kva.example',
  'ada@exa mple.com',
  'ada@example',
  'not an address',
  'a@b.c, d@e.f',
  'ada@example.com\r\nBcc: x@evil.example',
  ' ada@example.com ',
  '<ada@example.com>',
  'Ada <>',
  '',
);
const addressObject = fc.record(
  {
    address: addressText,
    name: fc.oneof(fc.constantFrom('Ada', '  Bob  ', '', 'Eve\nBcc: x'), fc.constant(null)),
  },
  { requiredKeys: ['address'] },
);
const oneAddress = fc.oneof(addressText, addressObject, fc.constant({ address: 'a@example.com', extra: 1 }));
const addressField = fc.oneof(
  oneAddress,
  fc.array(oneAddress, { maxLength: 3 }),
  fc.constant(null),
  fc.constant(undefined),
);
const text = fc.oneof(
  fc.constantFrom('', 'Hello', 'Line\r\nbreak', 'ünïcödé'),
  fc.string(),
  fc.constant(null),
);
const tags = fc.oneof(
  fc.array(fc.constantFrom('receipts', '', ' ', 'x'.repeat(129), 'naïve', 'a\nb', 'dup', 'dup'), {
    maxLength: 12,
  }),
  fc.constant('not-an-array'),
);
const metadata = fc.oneof(
  fc.dictionary(
    fc.constantFrom('order', 'with space', '', 'k'.repeat(129), 'ok'),
    fc.oneof(fc.constantFrom('1', 'a\nb', 'v'.repeat(1025)), fc.integer()),
  ),
  fc.constant(['array']),
);
/** Mostly-valid values with a sprinkling of every kind of wrong one. */
const mostly = (valid: fc.Arbitrary<unknown>, any: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: any, weight: 1 });
const validAddress = fc.constantFrom(
  'ada@example.com',
  'Ada Lovelace <ada@example.com>',
  'bob@bücher.example',
);
const message = fc.record(
  {
    from: mostly(validAddress, oneAddress),
    to: mostly(fc.oneof(validAddress, fc.array(validAddress, { minLength: 1, maxLength: 3 })), addressField),
    cc: mostly(validAddress, addressField),
    bcc: mostly(fc.constant(null), addressField),
    replyTo: mostly(validAddress, addressField),
    subject: mostly(
      fc.constant('Hi'),
      fc.oneof(fc.constantFrom('', 'a\r\nb'), fc.constant(undefined), fc.constant(3)),
    ),
    text: mostly(fc.constant('Hello'), text),
    html: mostly(fc.constant('<p>Hello</p>'), text),
    tags: mostly(fc.constant(['receipts', 'eu']), tags),
    metadata: mostly(fc.constant({ order: '1001' }), metadata),
    idempotencyKey: mostly(fc.constant('key-1'), fc.constantFrom('', 'k'.repeat(257), 'ключ')),
    headers: mostly(fc.constant(undefined), fc.constant({ 'X-Trace': '1' })),
  },
  { requiredKeys: ['from', 'to', 'subject', 'text'] },
);

describe('the fast path agrees with the schema', () => {
  it('whenever the fast path accepts, the schema accepts with the same output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(message, (input) => {
        const fast = parseSimpleMessage(input);
        if (fast === undefined) return;
        accepted += 1;
        const slow = messageSchema().safeParse(input);
        expect(slow.success).toBe(true);
        expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(slow.data)));
      }),
      { numRuns: 3_000, seed: 7 },
    );
    // The generator must actually reach the fast path, or this test proves nothing.
    expect(accepted).toBeGreaterThan(100);
  });

  it('takes the common message and leaves anything unusual to the schema', () => {
    expect(
      parseSimpleMessage({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' }),
    ).toBeDefined();
    expect(
      parseSimpleMessage({
        from: 'a@example.com',
        to: 'b@example.org',
        subject: 's',
        text: 't',
        headers: {},
      }),
    ).toBeUndefined();
    expect(
      parseSimpleMessage({ from: 'a@example.com', to: 'b@example.org', subject: 's\n', text: 't' }),
    ).toBeUndefined();
    expect(parseSimpleMessage({ from: 'a@example.com', subject: 's', text: 't' })).toBeUndefined();
    expect(parseSimpleMessage(new (class Message {})())).toBeUndefined();
    expect(parseSimpleMessage(null)).toBeUndefined();
  });
});

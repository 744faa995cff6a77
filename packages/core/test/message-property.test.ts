import { type MessageInput, type NormalizedMessage, ValidationError } from '@mailover/core';
import { normalizeMessage } from '@mailover/core/message';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Normalize, or the issues; anything else thrown fails the property. */
function attempt(input: unknown): NormalizedMessage | ValidationError {
  try {
    return normalizeMessage(input as MessageInput);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    for (const issue of error.issues) {
      expect(typeof issue.path).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
    }
    return error;
  }
}

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\r\n', 'a\nb', '\0', '@', '<>', '"', 'a@b', 'a@b.example', 'xn--zz.example'),
);

const address = fc.oneof(
  fc.emailAddress(),
  fc.tuple(text, fc.emailAddress()).map(([name, mailbox]) => `${name} <${mailbox}>`),
  fc.tuple(text, text).map(([local, domain]) => `${local}@${domain}`),
  fc.record({ address: fc.oneof(fc.emailAddress(), text), name: fc.option(text, { nil: undefined }) }),
  text,
  fc.anything(),
);

const addresses = fc.oneof(address, fc.array(address, { maxLength: 4 }), fc.anything());

const attachment = fc.oneof(
  fc.record(
    {
      filename: text,
      content: fc.oneof(text, fc.base64String(), fc.uint8Array({ maxLength: 16 }), fc.anything()),
      encoding: fc.constantFrom('base64', 'utf8', 'hex', undefined),
      contentType: fc.oneof(text, fc.constantFrom('application/pdf', 'text/plain; charset=utf-8')),
      cid: text,
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

const messageLike = fc.record(
  {
    from: address,
    to: addresses,
    cc: addresses,
    bcc: addresses,
    replyTo: addresses,
    subject: fc.oneof(text, fc.anything()),
    text: fc.oneof(text, fc.anything()),
    html: text,
    attachments: fc.oneof(fc.array(attachment, { maxLength: 3 }), fc.anything()),
    headers: fc.oneof(fc.dictionary(text, fc.oneof(text, fc.anything()), { maxKeys: 4 }), fc.anything()),
    tags: fc.oneof(fc.array(text, { maxLength: 4 }), fc.anything()),
    metadata: fc.oneof(fc.dictionary(text, text, { maxKeys: 4 }), fc.anything()),
    idempotencyKey: fc.oneof(text, fc.anything()),
    unexpected: fc.anything(),
  },
  { requiredKeys: [] },
);

// Mostly valid messages with hostile text in the places that end up in headers.
const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('a\r\nBcc: x@example.net', 'x\n', '\r', 'a\0b', '  spaced  ') },
);
const nearlyValid = fc.record({
  from: fc.oneof(
    fc.emailAddress(),
    fc.tuple(hostile, fc.emailAddress()).map(([name, mailbox]) => `${name} <${mailbox}>`),
  ),
  to: fc.array(
    fc.oneof(
      fc.emailAddress(),
      fc.record({ address: fc.emailAddress(), name: hostile }),
      fc.tuple(hostile, fc.emailAddress()).map(([name, mailbox]) => `"${name}" <${mailbox}>`),
    ),
    { minLength: 1, maxLength: 3 },
  ),
  subject: hostile,
  text: fc.constant('body'),
  headers: fc.dictionary(fc.oneof(fc.constantFrom('X-A', 'X-B'), hostile), hostile, { maxKeys: 2 }),
  attachments: fc.array(
    fc.record(
      {
        filename: hostile,
        content: fc.uint8Array({ maxLength: 8 }),
        contentType: fc.oneof(fc.constantFrom('text/plain', 'text/plain; charset=utf-8'), hostile),
        cid: hostile,
      },
      { requiredKeys: ['filename', 'content'] },
    ),
    { maxLength: 2 },
  ),
});

const lineBreak = /[\r\n\0]/;

describe('normalizeMessage on arbitrary input', () => {
  it('throws nothing but ValidationError, whatever the value', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withTypedArray: true, withSparseArray: true }),
        (input) => {
          attempt(input);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('throws nothing but ValidationError for message-shaped input', () => {
    fc.assert(
      fc.property(messageLike, (input) => {
        attempt(input);
      }),
      { numRuns: 1000 },
    );
  });

  it('lets no line break or NUL through into anything that becomes a header', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearlyValid, (input) => {
        const result = attempt(input);
        if (ValidationError.isInstance(result)) return;
        accepted++;
        const strings = [
          result.subject,
          ...[result.from, ...result.to, ...result.cc, ...result.bcc, ...result.replyTo].flatMap((item) => [
            item.address,
            item.name ?? '',
          ]),
          ...Object.entries(result.headers).flat(),
          ...result.attachments.flatMap((item) => [item.filename, item.contentType, item.cid ?? '']),
        ];
        for (const value of strings) expect(value).not.toMatch(lineBreak);
        expect(result.to.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
    // The property means nothing unless a fair share of the generated messages were accepted.
    expect(accepted).toBeGreaterThan(100);
  });

  it('survives cyclic objects and proxies that throw', () => {
    const cyclic: Record<string, unknown> = { from: 'app@example.com', subject: 's', text: 't' };
    cyclic.to = cyclic;
    cyclic.headers = cyclic;
    expect(ValidationError.isInstance(attempt(cyclic))).toBe(true);
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(ValidationError.isInstance(attempt(hostile))).toBe(true);
    expect(ValidationError.isInstance(attempt({ ...cyclic, to: hostile }))).toBe(true);
  });

  it('accepts every address fast-check considers valid', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (mailbox) => {
        const result = attempt({ from: 'app@example.com', to: mailbox, subject: 's', text: 't' });
        expect(ValidationError.isInstance(result) ? result.issues : []).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

import { type MessageInput, ValidationError, type ValidationIssue } from '@mailover/core';
import { normalizeMessage } from '@mailover/core/message';
import { describe, expect, it } from 'vitest';

const valid = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

function issuesOf(input: unknown, options = {}): readonly ValidationIssue[] {
  try {
    normalizeMessage(input as MessageInput, options);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** The one issue at `path`, whose message must match every pattern. */
function expectIssue(input: unknown, path: string, ...patterns: RegExp[]) {
  const issues = issuesOf(input);
  const atPath = issues.filter((issue) => issue.path === path);
  expect(atPath, `issues: ${JSON.stringify(issues)}`).toHaveLength(1);
  for (const pattern of patterns) expect(atPath[0]!.message).toMatch(pattern);
}

describe('header injection: CR, LF and NUL are refused everywhere they could reach a header', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['subject LF', { subject: 'Hi\nBcc: victim@example.net' }, 'subject'],
    ['subject CR', { subject: 'Hi\rthere' }, 'subject'],
    ['display name in a string', { to: 'Ada\r\nBcc: x@example.net <ada@example.org>' }, 'to'],
    ['address string', { to: ['bob@example.org', 'ada@example.org\r\nBcc: x@example.net'] }, 'to[1]'],
    ['trailing CRLF on an address', { to: 'ada@example.org\r\n' }, 'to'],
    ['address object', { cc: [{ address: 'ada@example.org\n' }] }, 'cc[0].address'],
    ['name object', { from: { address: 'app@example.com', name: 'App\r\nX-Evil: 1' } }, 'from.name'],
    ['replyTo', { replyTo: 'Help\n <help@example.com>' }, 'replyTo'],
    ['header value', { headers: { 'X-Trace': 'abc\r\nBcc: x@example.net' } }, 'headers.X-Trace'],
    ['header name', { headers: { 'X-Trace\r\nBcc': 'abc' } }, 'headers.X-Trace\r\nBcc'],
    [
      'attachment filename',
      { attachments: [{ filename: 'a\r\n.pdf', content: 'x' }] },
      'attachments[0].filename',
    ],
    ['metadata value', { metadata: { order: '1\n2' } }, 'metadata.order'],
    [
      'attachment content type',
      {
        attachments: [{ filename: 'a.txt', content: 'x', contentType: 'text/plain;\r\nBcc: x@example.net' }],
      },
      'attachments[0].contentType',
    ],
    [
      'attachment cid',
      { attachments: [{ filename: 'a.png', content: 'x', cid: 'logo\r\n' }] },
      'attachments[0].cid',
    ],
    ['tag', { tags: ['a\nb'] }, 'tags[0]'],
  ];
  it.each(cases)('%s', (_name, change, path) => {
    expectIssue({ ...valid, ...change }, path, /line break/, /header injection/);
  });

  it('NUL in the subject', () => {
    expectIssue({ ...valid, subject: 'a\0b' }, 'subject', /NUL/);
  });
});

describe('reserved headers are refused, whatever their case, naming the field to use', () => {
  const cases: [string, RegExp][] = [
    ['From', /`from` field/],
    ['to', /`to` field/],
    ['CC', /`cc` field/],
    ['Bcc', /`bcc` field/],
    ['Reply-To', /`replyTo` field/],
    ['subject', /`subject` field/],
    ['Message-ID', /idempotencyKey/],
    ['Date', /provider/],
    ['Content-Type', /text`, `html` and `attachments/],
    ['Content-Transfer-Encoding', /provider/],
    ['MIME-Version', /provider/],
    ['Return-Path', /bounce/],
    ['Received', /mail servers/],
    ['DKIM-Signature', /DKIM/],
    ['Sender', /`from` field/],
  ];
  it.each(cases)('%s', (name, advice) => {
    expectIssue({ ...valid, headers: { [name]: 'x' } }, `headers.${name}`, /cannot be set by hand/, advice);
  });

  it('accepts custom and threading headers', () => {
    const message = normalizeMessage({
      ...valid,
      headers: {
        'X-Trace-Id': 'abc',
        'In-Reply-To': '<a@example.com>',
        'List-Unsubscribe': '<https://u.example>',
      },
    });
    expect(message.headers['X-Trace-Id']).toBe('abc');
  });
});

describe('other header rules', () => {
  it.each([
    ['X Trace', /not a valid header name/],
    ['X-Trace:', /not a valid header name/],
    ['X-Tracé', /not a valid header name/],
  ])('name %j', (name, reason) => {
    expectIssue({ ...valid, headers: { [name]: 'v' } }, `headers.${name}`, reason);
  });

  it('value longer than 998 characters', () => {
    expectIssue(
      { ...valid, headers: { 'X-Long': 'x'.repeat(999) } },
      'headers.X-Long',
      /999 characters/,
      /998/,
    );
  });

  it('non-string value', () => {
    expectIssue({ ...valid, headers: { 'X-Count': 3 } }, 'headers.X-Count', /must be a string/);
  });

  it('the same header twice in different case', () => {
    expectIssue({ ...valid, headers: { 'X-Trace': 'a', 'x-trace': 'b' } }, 'headers.x-trace', /twice/);
  });
});

describe('invalid addresses', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no @', 'ada.example.org', /no "@"/],
    ['empty', '', /is empty/],
    ['nothing before @', '@example.org', /before the "@"/],
    ['nothing after @', 'ada@', /after the "@"/],
    ['no dot in the domain', 'ada@localhost', /no dot/],
    ['double dot in the local part', 'ada..l@example.org', /two dots/],
    ['leading dot', '.ada@example.org', /dot/],
    ['space in the local part', '<ada lovelace@example.org>', /space/],
    ['name without angle brackets', 'Ada ada@example.org', /"Ada Lovelace <ada@example.com>"/],
    ['two addresses in one string', 'ada@example.org, bob@example.org', /array/],
    ['local part over 64 octets', `${'a'.repeat(65)}@example.org`, /64 octets/],
    ['label over 63 characters', `ada@${'a'.repeat(64)}.example`, /63 characters/],
    ['underscore in the domain', 'ada@my_host.example', /letters, digits and hyphens/],
    ['percent in the domain', 'ada@ex%41mple.org', /letters, digits and hyphens/],
    ['hyphen at a label end', 'ada@example-.org', /hyphen/],
    ['IP address', 'ada@192.0.2.1', /IP address/],
    ['address literal', 'ada@[192.0.2.1]', /address literals/],
    ['bad punycode', 'ada@xn--zz.example', /not a valid \(internationalized\) domain/],
    // Node 24's URL parser passes these through; the A-label check does not lean on it.
    ['punycode of a control character', 'ada@xn--a.example', /not a valid \(internationalized\) domain/],
    [
      'punycode of a disallowed character',
      'ada@xn--a-ecp.example',
      /not a valid \(internationalized\) domain/,
    ],
    ['unclosed quoted local part', '"ada@example.org', /quoted/],
    ['number', 42, /must be an address/],
    ['null in a list', [null], /must be an address/],
  ];
  it.each(cases)('%s', (_name, to, reason) => {
    const path = Array.isArray(to) ? 'to[0]' : 'to';
    expectIssue({ ...valid, to }, path, reason);
  });

  it('names the element and the field of an object address', () => {
    const issues = issuesOf({ ...valid, to: ['bob@example.org', { address: 'nope' }, { address: 7 }] });
    expect(issues.map((issue) => issue.path)).toEqual(['to[1].address', 'to[2].address']);
    expect(issues[1]!.message).toMatch(/must be a string, not a number/);
  });

  it('from takes exactly one address', () => {
    expectIssue({ ...valid, from: ['app@example.com'] }, 'from', /one address/, /replyTo/);
  });

  it('reports an unknown field on an address object', () => {
    expectIssue({ ...valid, to: { email: 'ada@example.org' } }, 'to.email', /not a known field/, /address/);
  });
});

describe('missing parts', () => {
  it('no recipients at all, reported at to', () => {
    expectIssue({ ...valid, to: [] }, 'to', /no recipients/, /to, cc or bcc/);
    expectIssue({ from: 'app@example.com', subject: 's', text: 't' }, 'to', /no recipients/);
  });

  it('bcc alone is enough', () => {
    const message = normalizeMessage({ ...valid, to: undefined as never, bcc: 'ada@example.org' });
    expect(message.bcc).toEqual([{ address: 'ada@example.org' }]);
  });

  it('no body, reported at text', () => {
    expectIssue({ ...valid, text: undefined }, 'text', /no body/, /text, html/);
    expectIssue({ ...valid, text: '', html: '' }, 'text', /no body/);
  });

  it('subject is required but may be empty', () => {
    expectIssue({ ...valid, subject: undefined }, 'subject', /is required/, /""/);
    expect(normalizeMessage({ ...valid, subject: '' }).subject).toBe('');
  });

  it('from is required', () => {
    expectIssue({ ...valid, from: undefined }, 'from', /is required/);
  });
});

describe('attachments', () => {
  const attach = (attachment: Record<string, unknown>) => ({ ...valid, attachments: [attachment] });

  it.each([
    ['bad characters', 'aGVsbG8@', /not valid base64/],
    ['missing padding', 'aGVsbG8', /multiple of 4/],
    ['base64url', 'a-_b', /base64url/],
  ])('base64 with %s', (_name, content, reason) => {
    expectIssue(attach({ filename: 'a.bin', content, encoding: 'base64' }), 'attachments[0].content', reason);
  });

  it.each(['pdf', 'application/', 'application/pdf;', 'text plain'])('content type %j', (contentType) => {
    expectIssue(
      attach({ filename: 'a.pdf', content: 'x', contentType }),
      'attachments[0].contentType',
      /type\/subtype/,
    );
  });

  it.each(['../etc/passwd', 'dir\\file.txt', '', '..'])('filename %j', (filename) => {
    expectIssue(attach({ filename, content: 'x' }), 'attachments[0].filename', /./);
  });

  it('filename is required', () => {
    expectIssue(attach({ content: 'x' }), 'attachments[0].filename', /is required/);
  });

  it('content must be bytes or a string', () => {
    expectIssue(attach({ filename: 'a.bin', content: 12 }), 'attachments[0].content', /Uint8Array or Buffer/);
  });

  it('explains a nodemailer-style path field', () => {
    expectIssue(
      attach({ filename: 'a.pdf', content: 'x', path: '/tmp/a.pdf' }),
      'attachments[0].path',
      /read the file/,
    );
  });

  it('refuses two inline parts with the same cid', () => {
    const message = {
      ...valid,
      attachments: [
        { filename: 'a.png', content: 'x', cid: 'logo' },
        { filename: 'b.png', content: 'y', cid: '<logo>' },
      ],
    };
    expectIssue(message, 'attachments[1].cid', /same cid as attachments\[0\]/);
  });

  it('encoding must be base64 or utf8', () => {
    expectIssue(
      attach({ filename: 'a', content: 'x', encoding: 'hex' }),
      'attachments[0].encoding',
      /"base64" or "utf8"/,
    );
  });
});

describe('tags, metadata, idempotency key', () => {
  it.each([
    [{ tags: [''] }, 'tags[0]', /empty/],
    [{ tags: ['x'.repeat(129)] }, 'tags[0]', /129 characters/],
    [{ tags: ['café'] }, 'tags[0]', /ASCII/],
    [{ tags: Array.from({ length: 11 }, (_, index) => `t${index}`) }, 'tags', /limit is 10/],
    [{ metadata: { 'has space': 'v' } }, 'metadata.has space', /no spaces/],
    [{ metadata: { ['k'.repeat(129)]: 'v' } }, `metadata.${'k'.repeat(129)}`, /limit is 128/],
    [{ metadata: { order: 5 } }, 'metadata.order', /must be a string/],
    [
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v'])) },
      'metadata',
      /limit is 50/,
    ],
    [{ idempotencyKey: '' }, 'idempotencyKey', /empty/],
    [{ idempotencyKey: 'clé' }, 'idempotencyKey', /ASCII/],
  ])('%j', (change, path, reason) => {
    expectIssue({ ...valid, ...change }, path, reason);
  });
});

describe('size limit', () => {
  it('names the largest part, the size and the limit', () => {
    const content = new Uint8Array(3000);
    const issues = issuesOf(
      { ...valid, attachments: [{ filename: 'big.bin', content }] },
      { maxMessageBytes: 2048 },
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('attachments');
    expect(issues[0]!.message).toMatch(/2048 bytes limit/);
    expect(issues[0]!.message).toMatch(/attachments, at 4000 bytes/);
  });

  it('points at html when html is the bulk', () => {
    const issues = issuesOf({ ...valid, html: 'x'.repeat(5000) }, { maxMessageBytes: 4096 });
    expect(issues.map((issue) => issue.path)).toEqual(['html']);
  });

  it('the default limit is 40 MiB', () => {
    const content = new Uint8Array(31 * 1024 * 1024);
    const issues = issuesOf({ ...valid, attachments: [{ filename: 'big.bin', content }] });
    expect(issues[0]!.message).toMatch(/40\.0 MiB \(41943040 bytes\) limit/);
  });
});

describe('input that is not a message', () => {
  it.each([null, undefined, 42, 'hello', [], true, () => {}])('%j', (input) => {
    const issues = issuesOf(input);
    expect(issues).toEqual([{ path: '', message: expect.stringMatching(/must be an object with from, to/) }]);
  });

  it('names an unknown field and suggests the right one', () => {
    expectIssue({ ...valid, reply_to: 'x@example.com' }, 'reply_to', /did you mean replyTo/);
    expectIssue({ ...valid, body: 'x' }, 'body', /text or html/);
  });

  it('reports every issue at once', () => {
    const issues = issuesOf({
      from: 'nope',
      to: ['ada@example.org', 'bad'],
      subject: 'a\nb',
      headers: { Date: 'x' },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'from',
      'headers.Date',
      'subject',
      'text',
      'to[1]',
    ]);
  });

  it('turns a throwing getter into a ValidationError', () => {
    const input = {
      ...valid,
      get html(): string {
        throw new Error('boom');
      },
    };
    expect(issuesOf(input)[0]!.message).toMatch(/boom/);
  });

  it('an invalid messageIdDomain option is reported, not thrown raw', () => {
    expect(issuesOf(valid, { messageIdDomain: 'not a domain' })[0]!.path).toBe('messageIdDomain');
  });
});

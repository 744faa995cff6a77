import { normalizeMessage } from '@mailover/core/message';
import { describe, expect, it } from 'vitest';

const valid = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

describe('addresses', () => {
  it.each([
    ['Ada Lovelace <ada@example.org>', { address: 'ada@example.org', name: 'Ada Lovelace' }],
    ['"Lovelace, Ada" <ada@example.org>', { address: 'ada@example.org', name: 'Lovelace, Ada' }],
    [
      '"Ada \\"The Countess\\"" <ada@example.org>',
      { address: 'ada@example.org', name: 'Ada "The Countess"' },
    ],
    ['  Ada   <ada@example.org>  ', { address: 'ada@example.org', name: 'Ada' }],
    ['<ada@example.org>', { address: 'ada@example.org' }],
    ['ada@example.org', { address: 'ada@example.org' }],
    ['"" <ada@example.org>', { address: 'ada@example.org' }],
    ['"ada lovelace"@example.org', { address: '"ada lovelace"@example.org' }],
    ['"lovelace, ada"@example.org', { address: '"lovelace, ada"@example.org' }],
    ['ada+news@Example.ORG', { address: 'ada+news@example.org' }],
  ])('%s', (written, expected) => {
    expect(normalizeMessage({ ...valid, to: written }).to).toEqual([expected]);
  });

  it('keeps object addresses and trims their names', () => {
    const message = normalizeMessage({ ...valid, cc: [{ address: 'bob@example.org', name: '  Bob  ' }] });
    expect(message.cc).toEqual([{ address: 'bob@example.org', name: 'Bob' }]);
  });

  it('converts internationalized domains to ASCII and keeps non-ASCII local parts', () => {
    const message = normalizeMessage({
      ...valid,
      from: 'Bücher <verkauf@bücher.example>',
      to: ['用户@例子.广告', { address: 'ada@BÜCHER.example' }],
    });
    expect(message.from).toEqual({ address: 'verkauf@xn--bcher-kva.example', name: 'Bücher' });
    expect(message.to.map((address) => address.address)).toEqual([
      '用户@xn--fsqu00a.xn--4rr70v',
      'ada@xn--bcher-kva.example',
    ]);
    expect(message.messageId).toMatch(/@xn--bcher-kva\.example>$/);
  });

  it('de-duplicates recipients case-insensitively across to, cc and bcc, keeping the first', () => {
    const message = normalizeMessage({
      ...valid,
      to: ['Ada <ada@example.org>', 'ADA@example.org'],
      cc: ['ada@EXAMPLE.org', 'bob@example.org'],
      bcc: ['Bob@example.org', 'carol@example.org'],
    });
    expect(message.to).toEqual([{ address: 'ada@example.org', name: 'Ada' }]);
    expect(message.cc).toEqual([{ address: 'bob@example.org' }]);
    expect(message.bcc).toEqual([{ address: 'carol@example.org' }]);
  });
});

describe('ids', () => {
  it('the same idempotency key gives the same id and Message-ID', () => {
    const first = normalizeMessage({ ...valid, idempotencyKey: 'order-42-receipt' });
    const second = normalizeMessage({ ...valid, subject: 'Other', idempotencyKey: 'order-42-receipt' });
    expect(second.id).toBe(first.id);
    expect(second.messageId).toBe(first.messageId);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.idempotencyKey).toBe('order-42-receipt');
    expect(normalizeMessage({ ...valid, idempotencyKey: 'order-43-receipt' }).id).not.toBe(first.id);
  });

  it('without a key every message gets a new UUID', () => {
    const first = normalizeMessage(valid);
    const second = normalizeMessage(valid);
    expect(first.id).not.toBe(second.id);
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.messageId).toBe(`<${first.id}@example.com>`);
  });

  it('messageIdDomain chooses the domain of the Message-ID', () => {
    const message = normalizeMessage(valid, {
      messageIdDomain: 'mail.bücher.example',
      generateId: () => 'fixed',
    });
    expect(message.messageId).toBe('<fixed@mail.xn--bcher-kva.example>');
  });
});

describe('the generateId option', () => {
  it('refuses an id that is not a dot-atom, naming the option', () => {
    expect(() => normalizeMessage(valid, { generateId: () => 'has space' })).toThrow(
      /generateId.*not a dot-atom/,
    );
  });

  it('refuses an id longer than 64 characters, which provider metadata could drop', () => {
    expect(normalizeMessage(valid, { generateId: () => 'a'.repeat(64) }).id).toBe('a'.repeat(64));
    expect(() => normalizeMessage(valid, { generateId: () => 'a'.repeat(65) })).toThrow(
      /65 characters; make it at most 64/,
    );
  });
});

describe('defaults and copies', () => {
  it('fills every default and leaves out what was not given', () => {
    const message = normalizeMessage(valid);
    expect(message).toEqual({
      id: expect.any(String),
      messageId: expect.any(String),
      from: { address: 'app@example.com' },
      to: [{ address: 'ada@example.org' }],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'Hi',
      text: 'Hello',
      attachments: [],
      headers: {},
      tags: [],
      metadata: {},
      sizeBytes: expect.any(Number),
    });
    expect('html' in message).toBe(false);
    expect('idempotencyKey' in message).toBe(false);
  });

  it('drops an empty body part when the other is given', () => {
    const message = normalizeMessage({ ...valid, text: '', html: '<p>Hi</p>' });
    expect(message.text).toBeUndefined();
    expect(message.html).toBe('<p>Hi</p>');
  });

  it('does not share mutable arrays, records or bytes with the input, and is frozen', () => {
    const to = ['ada@example.org'];
    const headers: Record<string, string> = { 'X-Trace': '1' };
    const bytes = new Uint8Array([1, 2, 3]);
    const message = normalizeMessage({
      ...valid,
      to,
      headers,
      attachments: [{ filename: 'a.bin', content: bytes }],
    });
    to.push('eve@example.net');
    headers['X-Trace'] = '2';
    bytes[0] = 9;
    expect(message.to).toHaveLength(1);
    expect(message.headers['X-Trace']).toBe('1');
    expect([...message.attachments[0]!.content]).toEqual([1, 2, 3]);
    expect(Object.isFrozen(message)).toBe(true);
    expect(Object.isFrozen(message.to)).toBe(true);
    expect(Object.isFrozen(message.headers)).toBe(true);
  });

  it('de-duplicates tags and treats null optional fields as absent', () => {
    const message = normalizeMessage({ ...valid, tags: ['a', 'b', 'a'], cc: null, metadata: null } as never);
    expect(message.tags).toEqual(['a', 'b']);
    expect(message.cc).toEqual([]);
    expect(message.metadata).toEqual({});
  });
});

describe('attachments', () => {
  it('decodes base64 (also line-wrapped) and utf8 strings to bytes', () => {
    const message = normalizeMessage({
      ...valid,
      attachments: [
        { filename: 'a.txt', content: 'aGVs\r\nbG8=', encoding: 'base64' },
        { filename: 'b.txt', content: 'héllo' },
      ],
    });
    expect(Buffer.from(message.attachments[0]!.content).toString()).toBe('hello');
    expect(Buffer.from(message.attachments[1]!.content).toString()).toBe('héllo');
  });

  it.each([
    ['report.PDF', 'application/pdf'],
    ['photo.jpeg', 'image/jpeg'],
    ['data.csv', 'text/csv'],
    ['archive.unknownext', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
  ])('guesses the type of %s', (filename, contentType) => {
    const message = normalizeMessage({ ...valid, attachments: [{ filename, content: 'x' }] });
    expect(message.attachments[0]!.contentType).toBe(contentType);
  });

  it('keeps a given content type with parameters, and strips angle brackets from a cid', () => {
    const message = normalizeMessage({
      ...valid,
      html: '<img src="cid:logo@app">',
      attachments: [
        { filename: 'logo', content: 'x', contentType: 'image/png; name="logo.png"', cid: '<logo@app>' },
      ],
    });
    expect(message.attachments[0]).toMatchObject({
      contentType: 'image/png; name="logo.png"',
      cid: 'logo@app',
    });
  });
});

describe('sizeBytes', () => {
  it('counts bodies as UTF-8, attachments base64-encoded, and headers', () => {
    const plain = normalizeMessage(valid).sizeBytes;
    expect(plain).toBeGreaterThan(Buffer.byteLength('Hello') + 'From: app@example.com'.length);
    expect(plain).toBeLessThan(500);
    const withHtml = normalizeMessage({ ...valid, html: 'é'.repeat(1000) }).sizeBytes;
    expect(withHtml - plain).toBe(2000);
    const withAttachment = normalizeMessage({
      ...valid,
      attachments: [{ filename: 'a.bin', content: new Uint8Array(3000) }],
    }).sizeBytes;
    expect(withAttachment - plain).toBe(4000);
    const withHeader = normalizeMessage({ ...valid, headers: { 'X-A': 'bc' } }).sizeBytes;
    expect(withHeader - plain).toBe('X-A: bc\r\n'.length);
  });
});

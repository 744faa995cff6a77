import { describe, expect, it } from 'vitest';
import type { AcceptedMessage } from '../src/types.js';
import {
  buildPostmarkWebhook,
  buildPostmarkWebhooks,
  generatePostmarkWebhookKeys,
} from '../src/webhooks/postmark.js';

const message: AcceptedMessage = {
  provider: 'postmark',
  providerMessageId: '0b9c1e4e-3a52-4d7c-9f0e-6b2f7a1d2c3e',
  receivedAt: 0,
  from: { address: 'sender@example.com' },
  to: [{ address: 'jane@example.org' }],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'Receipt',
  headers: {},
  attachments: [],
  tags: ['receipts'],
  metadata: { mailover_id: 'mo_1' },
  ipPool: 'outbound',
  raw: {},
};
const time = Date.parse('2026-11-22T08:00:00Z');

describe('buildPostmarkWebhook', () => {
  const keys = generatePostmarkWebhookKeys();

  it('posts JSON with the webhook Basic auth and secret header, as Postmark does', () => {
    const built = buildPostmarkWebhook(
      [{ type: 'delivered', message, recipient: 'jane@example.org', time }],
      keys,
    );
    expect(built.headers['content-type']).toBe('application/json');
    const basic = built.headers.authorization?.replace(/^Basic /, '') ?? '';
    expect(Buffer.from(basic, 'base64').toString('utf8')).toBe(`${keys.username}:${keys.password}`);
    expect(built.headers[keys.header.name.toLowerCase()]).toBe(keys.header.value);
    expect(JSON.parse(built.body.toString('utf8'))).toEqual({
      RecordType: 'Delivery',
      MessageStream: 'outbound',
      MessageID: message.providerMessageId,
      Tag: 'receipts',
      ServerID: 23,
      Metadata: { mailover_id: 'mo_1' },
      Recipient: 'jane@example.org',
      DeliveredAt: '2026-11-22T08:00:00.000Z',
      Details: 'smtp;250 2.0.0 OK',
    });
  });

  it('reports a deferral as a Transient bounce, without attempt or sending IP', () => {
    const reply = '450 4.2.0 Greylisted';
    const built = buildPostmarkWebhook(
      [
        {
          type: 'deferred',
          message,
          recipient: 'jane@example.org',
          time,
          smtpReply: reply,
          attempt: 3,
          sendingIp: '192.0.2.1',
        },
      ],
      keys,
    );
    const record = JSON.parse(built.body.toString('utf8'));
    expect(record).toMatchObject({
      RecordType: 'Bounce',
      Type: 'Transient',
      TypeCode: 2,
      Email: 'jane@example.org',
      Details: `smtp;${reply}`,
      BouncedAt: '2026-11-22T08:00:00.000Z',
      Inactive: false,
    });
    expect(built.body.toString('utf8')).not.toContain('192.0.2.1');
  });

  it.each([
    ['550 5.1.1 no such user', 'HardBounce', 1],
    ['452 4.2.2 mailbox full', 'SoftBounce', 4096],
  ])('reports a bounce with reply %s as %s', (smtpReply, type, code) => {
    const built = buildPostmarkWebhook(
      [{ type: 'bounced', message, recipient: 'jane@example.org', time, smtpReply }],
      keys,
    );
    expect(JSON.parse(built.body.toString('utf8'))).toMatchObject({ Type: type, TypeCode: code });
  });

  it('sends one record per request', () => {
    const events = [
      { type: 'delivered' as const, message, recipient: 'a@example.org', time },
      { type: 'dropped' as const, message, recipient: 'b@example.org', time },
    ];
    expect(() => buildPostmarkWebhook(events, keys)).toThrow(RangeError);
    const built = buildPostmarkWebhooks(events, keys);
    expect(built.map((webhook) => JSON.parse(webhook.body.toString('utf8')).RecordType)).toEqual([
      'Delivery',
      'Bounce',
    ]);
  });

  it('generates different keys each time', () => {
    const other = generatePostmarkWebhookKeys();
    expect(other.password).not.toBe(keys.password);
    expect(other.header.value).not.toBe(keys.header.value);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AcceptedMessage } from '../src/index.js';
import {
  buildMailgunWebhook,
  buildMailgunWebhooks,
  generateMailgunWebhookKeys,
} from '../src/webhooks/mailgun.js';

const message: AcceptedMessage = {
  provider: 'mailgun',
  providerMessageId: '<20261122060000.abc123@mg.sandbox.test>',
  receivedAt: 0,
  from: { address: 'sender@example.test' },
  to: [{ address: 'rcpt@example.edu' }],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'Hi',
  text: 'body',
  headers: {},
  attachments: [],
  tags: ['welcome'],
  metadata: { mailover_id: 'msg_1' },
  raw: {},
};

describe('buildMailgunWebhook', () => {
  it('posts JSON signed as Mailgun documents: hex HMAC-SHA256 of timestamp + token', () => {
    const keys = generateMailgunWebhookKeys();
    const webhook = buildMailgunWebhook(
      [
        {
          type: 'deferred',
          message,
          recipient: 'rcpt@example.edu',
          time: 1_763_791_200_000,
          smtpReply: '450 4.2.0 Greylisted',
          attempt: 3,
          sendingIp: '203.0.113.9',
        },
      ],
      keys,
      { now: 1_763_791_260_000, token: 't'.repeat(50) },
    );
    expect(webhook.headers['content-type']).toBe('application/json');
    const body = JSON.parse(webhook.body.toString()) as {
      signature: { timestamp: string; token: string; signature: string };
      'event-data': Record<string, any>;
    };
    expect(body.signature.timestamp).toBe('1763791260');
    const expected = createHmac('sha256', keys.signingKey)
      .update(`1763791260${'t'.repeat(50)}`)
      .digest('hex');
    expect(body.signature.signature).toBe(expected);
    expect(body['event-data']).toMatchObject({
      event: 'failed',
      severity: 'temporary',
      timestamp: 1_763_791_200,
      recipient: 'rcpt@example.edu',
      'user-variables': { mailover_id: 'msg_1' },
      envelope: { 'sending-ip': '203.0.113.9' },
      message: { headers: { 'message-id': '20261122060000.abc123@mg.sandbox.test' } },
      'delivery-status': {
        code: 450,
        'enhanced-code': '4.2.0',
        message: '4.2.0 Greylisted',
        'attempt-no': 3,
      },
    });
  });

  it('makes one request per event, each with its own token', () => {
    const keys = generateMailgunWebhookKeys();
    const spec = { type: 'delivered' as const, message, recipient: 'rcpt@example.edu', time: Date.now() };
    const webhooks = buildMailgunWebhooks([spec, spec], keys);
    const tokens = webhooks.map((webhook) => JSON.parse(webhook.body.toString()).signature.token as string);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^[a-z0-9]{50}$/);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(() => buildMailgunWebhook([spec, spec], keys)).toThrow(RangeError);
  });
});

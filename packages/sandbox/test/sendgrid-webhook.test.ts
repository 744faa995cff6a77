import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AcceptedMessage, SandboxEventSpec } from '../src/types.js';
import { buildSendGridWebhook, generateSendGridWebhookKeys } from '../src/webhooks/sendgrid.js';

const message: AcceptedMessage = {
  provider: 'sendgrid',
  providerMessageId: 'abc123def456',
  receivedAt: 0,
  from: { address: 'sender@example.com' },
  to: [{ address: 'u@example.edu' }],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 's',
  headers: { 'Message-ID': '<m1@example.test>' },
  messageId: '<m1@example.test>',
  attachments: [],
  tags: ['receipt'],
  metadata: { mailover_id: 'mo_1', tenant: 'acme' },
  ipPool: 'pool-a',
  raw: {},
};

const deferral: SandboxEventSpec = {
  type: 'deferred',
  message,
  recipient: 'u@example.edu',
  time: 1_795_000_000_000,
  smtpReply: '450 4.2.0 <u@example.edu>: Recipient address rejected: Greylisted',
  attempt: 2,
  sendingIp: '192.0.2.10',
};

/** Check a signature the way SendGrid's docs describe: ECDSA P-256 over timestamp + raw body. */
function signatureValid(publicKey: string, headers: Readonly<Record<string, string>>, body: Buffer): boolean {
  const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  const timestamp = headers['x-twilio-email-event-webhook-timestamp']!;
  const signature = Buffer.from(headers['x-twilio-email-event-webhook-signature']!, 'base64');
  return verify(
    'sha256',
    Buffer.concat([Buffer.from(timestamp), body]),
    { key, dsaEncoding: 'der' },
    signature,
  );
}

describe('buildSendGridWebhook', () => {
  it('gives a P-256 public key in the base64 DER form SendGrid shows', () => {
    const keys = generateSendGridWebhookKeys();
    expect(keys.publicKey).toMatch(/^MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/);
  });

  it('signs timestamp + body so that the public key verifies it, and one changed byte does not', () => {
    const keys = generateSendGridWebhookKeys();
    const built = buildSendGridWebhook([deferral], keys, { timestamp: 1_795_000_100 });
    expect(built.headers['x-twilio-email-event-webhook-timestamp']).toBe('1795000100');
    expect(built.headers['content-type']).toBe('application/json');
    expect(signatureValid(keys.publicKey, built.headers, built.body)).toBe(true);
    const tampered = Buffer.from(built.body);
    tampered[10] = tampered[10]! ^ 1;
    expect(signatureValid(keys.publicKey, built.headers, tampered)).toBe(false);
    expect(signatureValid(generateSendGridWebhookKeys().publicKey, built.headers, built.body)).toBe(false);
  });

  it('writes SendGrid’s batch format: a JSON array, events separated and ended by CRLF', () => {
    const keys = generateSendGridWebhookKeys();
    const delivered: SandboxEventSpec = {
      ...deferral,
      type: 'delivered',
      smtpReply: '250 2.0.0 OK',
      attempt: undefined,
    };
    const body = buildSendGridWebhook([deferral, delivered], keys).body.toString('utf8');
    expect(body.endsWith(']\r\n')).toBe(true);
    expect(body.split('},\r\n{')).toHaveLength(2);
    const events = JSON.parse(body) as Record<string, unknown>[];
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      email: 'u@example.edu',
      timestamp: 1_795_000_000,
      event: 'deferred',
      response: '450 4.2.0 <u@example.edu>: Recipient address rejected: Greylisted',
      attempt: '2',
      ip: '192.0.2.10',
      'smtp-id': '<m1@example.test>',
      category: ['receipt'],
      mailover_id: 'mo_1',
      tenant: 'acme',
    });
    expect(String(events[0]!.sg_message_id).split('.')[0]).toBe('abc123def456');
    expect(events[0]!.sg_event_id).not.toBe(events[1]!.sg_event_id);
    expect(events[1]).toMatchObject({ event: 'delivered', response: '250 2.0.0 OK' });
  });

  it('names bounces and drops as SendGrid does', () => {
    const keys = generateSendGridWebhookKeys();
    const bounce: SandboxEventSpec = { ...deferral, type: 'bounced', smtpReply: '550 5.1.1 no such user' };
    const drop: SandboxEventSpec = { ...deferral, type: 'dropped', smtpReply: undefined };
    const [bounced, dropped] = JSON.parse(
      buildSendGridWebhook([bounce, drop], keys).body.toString(),
    ) as Record<string, unknown>[];
    expect(bounced).toMatchObject({
      event: 'bounce',
      type: 'bounce',
      reason: '550 5.1.1 no such user',
      status: '5.1.1',
    });
    expect(dropped).toMatchObject({ event: 'dropped', reason: 'Bounced Address', status: '5.0.0' });
    expect(dropped).not.toHaveProperty('ip');
  });
});

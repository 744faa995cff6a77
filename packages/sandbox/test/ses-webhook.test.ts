import { createVerify, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedMessage, SandboxEventSpec } from '../src/types.js';
import {
  buildSesSubscriptionConfirmation,
  buildSesWebhook,
  buildSesWebhooks,
  generateSesWebhookKeys,
  type SesWebhookKeys,
} from '../src/webhooks/ses.js';

const message: AcceptedMessage = {
  provider: 'ses',
  providerMessageId: '010001a2b3c4d5e6-11111111-2222-3333-4444-555555555555-000000',
  receivedAt: Date.parse('2026-11-22T06:00:00.000Z'),
  from: { address: 'sender@example.test' },
  to: [{ address: 'rcpt@example.edu' }, { address: 'other@example.edu' }],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'Hello',
  headers: { 'Message-ID': '<m1@example.test>' },
  messageId: '<m1@example.test>',
  attachments: [],
  tags: [],
  metadata: { mailover_id: 'mo-1' },
  ipPool: 'cs-rotating',
  raw: { EmailTags: [{ Name: 'mailover_id', Value: 'mo-1' }] },
};

function spec(type: SandboxEventSpec['type'], recipient = 'rcpt@example.edu'): SandboxEventSpec {
  return {
    type,
    message,
    recipient,
    time: Date.parse('2026-11-22T06:05:00.000Z'),
    smtpReply:
      type === 'deferred'
        ? '450 4.2.0 <rcpt@example.edu>: Recipient address rejected: Greylisted'
        : undefined,
    sendingIp: '198.51.100.23',
  };
}

/** The SNS string to sign, written out from AWS's documentation, independently of the builder. */
function stringToSign(envelope: Record<string, string>): string {
  const keys =
    envelope.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((key) => key in envelope)
    .map((key) => `${key}\n${envelope[key]}\n`)
    .join('');
}

function verifies(envelope: Record<string, string>, keys: SesWebhookKeys): boolean {
  const algorithm = envelope.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1';
  const publicKey = new X509Certificate(keys.certificatePem).publicKey;
  return createVerify(algorithm)
    .update(stringToSign(envelope))
    .verify(publicKey, envelope.Signature!, 'base64');
}

let keys: SesWebhookKeys;
beforeAll(() => {
  keys = generateSesWebhookKeys();
});

describe('buildSesWebhook', () => {
  it('produces an SNS notification as SNS POSTs it, signed with SignatureVersion 1', () => {
    const built = buildSesWebhook([spec('deferred')], keys);
    expect(built.headers).toMatchObject({
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-topic-arn': keys.topicArn,
    });
    const envelope = JSON.parse(built.body.toString('utf8'));
    expect(envelope).toMatchObject({
      Type: 'Notification',
      TopicArn: keys.topicArn,
      SignatureVersion: '1',
      SigningCertURL: keys.certificateUrl,
    });
    expect(built.headers['x-amz-sns-message-id']).toBe(envelope.MessageId);
    expect(keys.certificateUrl).toMatch(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/.+\.pem$/);
    expect(verifies(envelope, keys)).toBe(true);
    expect(verifies({ ...envelope, Message: `${envelope.Message} ` }, keys)).toBe(false);
  });

  it('carries the SES DeliveryDelay record with the reply, the pool, the sending IP and the request tags', () => {
    const envelope = JSON.parse(buildSesWebhook([spec('deferred')], keys).body.toString('utf8'));
    const record = JSON.parse(envelope.Message);
    expect(record.eventType).toBe('DeliveryDelay');
    expect(record.mail).toMatchObject({
      messageId: message.providerMessageId,
      destination: ['rcpt@example.edu', 'other@example.edu'],
      tags: {
        'ses:configuration-set': ['cs-rotating'],
        'ses:outgoing-ip': ['198.51.100.23'],
        mailover_id: ['mo-1'],
      },
    });
    expect(record.deliveryDelay.delayedRecipients).toEqual([
      {
        emailAddress: 'rcpt@example.edu',
        status: '4.2.0',
        diagnosticCode: 'smtp; 450 4.2.0 <rcpt@example.edu>: Recipient address rejected: Greylisted',
      },
    ]);
  });

  it('maps each sandbox event type to its SES record', () => {
    const recordOf = (type: SandboxEventSpec['type']) =>
      JSON.parse(JSON.parse(buildSesWebhook([spec(type)], keys).body.toString('utf8')).Message);
    expect(recordOf('delivered')).toMatchObject({
      eventType: 'Delivery',
      delivery: { recipients: ['rcpt@example.edu'] },
    });
    expect(recordOf('bounced')).toMatchObject({ eventType: 'Bounce', bounce: { bounceType: 'Permanent' } });
    expect(recordOf('dropped')).toMatchObject({
      eventType: 'Bounce',
      bounce: { bounceSubType: 'OnAccountSuppressionList' },
    });
  });

  it('signs with SHA256 for SignatureVersion 2', () => {
    const keysV2 = { ...keys, signatureVersion: '2' as const };
    const envelope = JSON.parse(buildSesWebhook([spec('delivered')], keysV2).body.toString('utf8'));
    expect(envelope.SignatureVersion).toBe('2');
    expect(verifies(envelope, keysV2)).toBe(true);
    expect(verifies({ ...envelope, SignatureVersion: '1' }, keysV2)).toBe(false);
  });

  it('puts several recipients of one event in one record, and refuses to mix events', () => {
    const envelope = JSON.parse(
      buildSesWebhook([spec('deferred'), spec('deferred', 'other@example.edu')], keys).body.toString('utf8'),
    );
    expect(JSON.parse(envelope.Message).deliveryDelay.delayedRecipients).toHaveLength(2);
    expect(() => buildSesWebhook([spec('deferred'), spec('delivered')], keys)).toThrow(/one SES event/);
    expect(
      buildSesWebhooks([spec('deferred'), spec('delivered'), spec('deferred', 'other@example.edu')], keys),
    ).toHaveLength(2);
  });

  it('builds a signed SubscriptionConfirmation', () => {
    const built = buildSesSubscriptionConfirmation(keys);
    const envelope = JSON.parse(built.body.toString('utf8'));
    expect(built.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation');
    expect(envelope.SubscribeURL).toMatch(
      /^https:\/\/sns\.us-east-1\.amazonaws\.com\/\?Action=ConfirmSubscription/,
    );
    expect(verifies(envelope, keys)).toBe(true);
  });

  it('issues the signing certificate from a local CA', () => {
    const certificate = new X509Certificate(keys.certificatePem);
    const authority = new X509Certificate(keys.caCertificatePem);
    expect(certificate.subject).toContain('CN=sns.amazonaws.com');
    expect(certificate.checkIssued(authority)).toBe(true);
    expect(certificate.verify(authority.publicKey)).toBe(true);
    expect(keys.certificatePem).not.toContain('PRIVATE KEY');
  });

  it('makes a fresh key per call', () => {
    const other = generateSesWebhookKeys({ region: 'eu-west-1' });
    expect(other.privateKeyPem).not.toBe(keys.privateKeyPem);
    expect(other.certificateUrl).toMatch(/^https:\/\/sns\.eu-west-1\.amazonaws\.com\//);
    const envelope = JSON.parse(buildSesWebhook([spec('delivered')], other).body.toString('utf8'));
    expect(verifies(envelope, keys)).toBe(false);
  });
});

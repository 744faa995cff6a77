import { randomBytes } from 'node:crypto';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeTagValue, encodeTagValue, ses, toSesTags } from '../src/index.js';
import { sampleMessage, sandboxProvider, sendContext } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.reset());

describe('ses adapter: send through the official SDK', () => {
  it('delivers every field of the message to SES', async () => {
    const binary = randomBytes(4096);
    binary[0] = 0;
    binary[1] = 0xff;
    const provider = sandboxProvider(sandbox, { configurationSetName: 'cs-fixed-ip' });
    const message = sampleMessage({
      attachments: [
        { filename: 'report.bin', content: binary, contentType: 'application/octet-stream' },
        { filename: 'notes.txt', content: Buffer.from('ünïcödé notes\r\n'), contentType: 'text/plain' },
        {
          filename: 'logo.png',
          content: Buffer.from([137, 80, 78, 71]),
          contentType: 'image/png',
          cid: 'logo@mailover',
        },
      ],
      metadata: { tenant: 'acme corp', order: 'A_17/ü' },
      tags: ['welcome', 'spring sale'],
    });

    const result = await provider.send(message, sendContext());

    expect(sandbox.messages).toHaveLength(1);
    const accepted = sandbox.messages[0]!;
    expect(result.providerMessageId).toBe(accepted.providerMessageId);
    expect(accepted.from).toEqual({ address: 'sender@example.test', name: 'Ada Sender' });
    expect(accepted.to).toEqual([
      { address: 'rcpt@example.org', name: 'Zoë Recipient' },
      { address: 'second@example.org' },
    ]);
    expect(accepted.cc).toEqual([{ address: 'copy@example.org' }]);
    expect(accepted.bcc).toEqual([{ address: 'hidden@example.org' }]);
    expect(accepted.replyTo).toEqual([{ address: 'replies@example.test', name: 'Replies, Inc.' }]);
    expect(accepted.subject).toBe('Grüße from mailover');
    expect(accepted.text).toBe('plain body');
    expect(accepted.html).toBe(message.html);
    expect(accepted.headers).toMatchObject({ 'X-Campaign': 'spring', 'Message-ID': message.messageId });
    expect(accepted.messageId).toBe(message.messageId);
    expect(accepted.attachments.map((attachment) => attachment.filename)).toEqual([
      'report.bin',
      'notes.txt',
      'logo.png',
    ]);
    expect(accepted.attachments[0]!.content.equals(binary)).toBe(true);
    expect(accepted.attachments[1]!.content.toString('utf8')).toBe('ünïcödé notes\r\n');
    expect(accepted.attachments[2]).toMatchObject({ cid: 'logo@mailover', contentType: 'image/png' });
    expect(accepted.attachments[2]!.content.equals(Buffer.from([137, 80, 78, 71]))).toBe(true);
    expect(accepted.metadata).toEqual({ mailover_id: message.id, tenant: 'acme corp', order: 'A_17/ü' });
    expect(accepted.tags).toEqual(['welcome', 'spring sale']);
    expect(accepted.ipPool).toBe('cs-fixed-ip');
  });

  it('sends only to the given recipients on a partial re-send', async () => {
    const provider = sandboxProvider(sandbox);
    await provider.send(
      sampleMessage(),
      sendContext({ recipients: ['SECOND@example.org', 'hidden@example.org'] }),
    );
    const accepted = sandbox.messages[0]!;
    expect(accepted.to).toEqual([{ address: 'second@example.org' }]);
    expect(accepted.cc).toEqual([]);
    expect(accepted.bcc).toEqual([{ address: 'hidden@example.org' }]);
  });

  it('makes exactly one HTTP attempt when SES refuses', async () => {
    const provider = sandboxProvider(sandbox);
    sandbox.faults.set('ses', { kind: 'server_error' });
    await expect(provider.send(sampleMessage(), sendContext())).rejects.toThrow();
    sandbox.faults.clear('ses');
    expect(sandbox.requests.ses).toBe(1);
  });

  it('declares SES limits and honours overrides and identity options', () => {
    const provider = ses({ id: 'ses-dedicated', ip: 'fixed', limits: { maxRecipients: 10 } });
    expect(provider).toMatchObject({
      specificationVersion: 'v1',
      id: 'ses-dedicated',
      kind: 'ses',
      ip: 'fixed',
    });
    expect(provider.limits).toMatchObject({ maxMessageBytes: 40 * 1024 * 1024, maxRecipients: 10 });
    expect(provider.limits.blockedExtensions).toContain('exe');
    expect(ses()).toMatchObject({ id: 'ses', ip: 'rotating', limits: { maxRecipients: 50 } });
  });

  it('uses a client the caller built instead of its own', async () => {
    const { SESv2Client } = await import('@aws-sdk/client-sesv2');
    const { region, accessKeyId, secretAccessKey } = sandbox.credentials.ses;
    const client = new SESv2Client({
      region,
      endpoint: sandbox.endpoints.ses,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    const provider = ses({ client, region: 'nowhere-1', endpoint: 'http://127.0.0.1:1' });
    const result = await provider.send(sampleMessage(), sendContext());
    expect(sandbox.messages[0]?.providerMessageId).toBe(result.providerMessageId);
  });
});

describe('ses tags', () => {
  it('escapes values reversibly into SES tag alphabet', () => {
    for (const value of ['plain-id', 'with space', 'under_score', 'ü/é+=', '_41', '']) {
      const encoded = encodeTagValue(value);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeTagValue(encoded)).toBe(value);
    }
    expect(encodeTagValue('mo-123')).toBe('mo-123');
  });

  it('drops what SES cannot carry and says which', () => {
    const { tags, dropped } = toSesTags(
      'mo-1',
      { 'bad key': 'x', long: 'x'.repeat(300), mailover_id: 'spoof' },
      [],
    );
    expect(tags).toEqual([{ Name: 'mailover_id', Value: 'mo-1' }]);
    expect(dropped.sort()).toEqual(['metadata.bad key', 'metadata.long', 'metadata.mailover_id']);
  });
});

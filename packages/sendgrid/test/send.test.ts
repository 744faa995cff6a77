import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import sgMail from '@sendgrid/mail';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SENDGRID_LIMITS, sendgrid } from '../src/index.js';
import { BINARY, fullMessage, sendContext } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

const configured = (extra: Parameters<typeof sendgrid>[0] = {}) =>
  sendgrid({ apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid, ...extra });

describe('sendgrid(): the provider object', () => {
  it('declares its id, kind, ip mode and SendGrid’s limits, all overridable', () => {
    const plain = sendgrid();
    expect(plain).toMatchObject({
      specificationVersion: 'v1',
      id: 'sendgrid',
      kind: 'sendgrid',
      ip: 'rotating',
    });
    expect(plain.limits).toEqual(SENDGRID_LIMITS);
    expect(SENDGRID_LIMITS.maxMessageBytes).toBe(30 * 1024 * 1024);
    const pooled = sendgrid({ id: 'sendgrid-fixed', ip: 'fixed', limits: { maxRecipients: 50 } });
    expect(pooled).toMatchObject({ id: 'sendgrid-fixed', ip: 'fixed' });
    expect(pooled.limits).toEqual({ ...SENDGRID_LIMITS, maxRecipients: 50 });
  });
});

describe('sendgrid(): sending through the official SDK', () => {
  it('returns X-Message-Id and every field arrives as sent', async () => {
    const message = fullMessage();
    const result = await configured({ ipPoolName: 'fixed-pool' }).send(message, sendContext());

    expect(sandbox.messages).toHaveLength(1);
    const accepted = sandbox.messages[0]!;
    expect(result.providerMessageId).toBe(accepted.providerMessageId);
    expect(accepted).toMatchObject({
      from: { address: 'sender@example.com', name: 'Sender Name' },
      to: [{ address: 'ada@example.org', name: 'Ada Lovelace' }, { address: 'alan@example.org' }],
      cc: [{ address: 'grace@example.org', name: 'Grace' }],
      bcc: [{ address: 'audit@example.com' }],
      replyTo: [{ address: 'support@example.com', name: 'Support' }],
      subject: 'Your order — #42',
      text: 'Plain body ✓',
      html: '<p>HTML body ✓ <img src="cid:logo"></p>',
      messageId: '<mo_01HTEST@example.test>',
      headers: {
        'Message-ID': '<mo_01HTEST@example.test>',
        'X-Trace-Id': 'trace-123',
        'List-Unsubscribe': '<mailto:unsubscribe@example.com>',
      },
      tags: ['receipt', 'orders'],
      metadata: { tenant: 'acme', order: '42', mailover_id: 'mo_01HTEST' },
      ipPool: 'fixed-pool',
    });
    expect(
      accepted.attachments.map(({ filename, contentType, cid }) => ({ filename, contentType, cid })),
    ).toEqual([
      { filename: 'report.txt', contentType: 'text/plain', cid: undefined },
      { filename: 'blob.bin', contentType: 'application/octet-stream', cid: undefined },
      { filename: 'logo.png', contentType: 'image/png', cid: 'logo' },
    ]);
    expect(accepted.attachments[0]!.content.toString('utf8')).toBe('hello, report');
    expect(accepted.attachments[1]!.content.equals(BINARY)).toBe(true);
    expect(accepted.attachments[2]!.content.equals(BINARY)).toBe(true);
    const raw = accepted.raw as { attachments: { disposition: string }[] };
    expect(raw.attachments.map((attachment) => attachment.disposition)).toEqual([
      'attachment',
      'attachment',
      'inline',
    ]);
  });

  it('sends no ip_pool_name unless the option is set', async () => {
    await configured().send(fullMessage(), sendContext());
    expect(sandbox.messages[0]!.ipPool).toBeUndefined();
  });

  it('sends a multi-address Reply-To as reply_to_list', async () => {
    const replyTo = [{ address: 'one@example.com' }, { address: 'two@example.com', name: 'Two' }];
    await configured().send(fullMessage({ replyTo }), sendContext());
    expect(sandbox.messages[0]!.replyTo).toEqual(replyTo);
  });

  it('a partial re-send goes only to the recipients named, keeping their roles', async () => {
    const recipients = ['ALAN@example.org', 'audit@example.com'];
    await configured().send(fullMessage(), sendContext({ recipients }));
    const accepted = sandbox.messages[0]!;
    expect(accepted.to).toEqual([{ address: 'alan@example.org' }]);
    expect(accepted.cc).toEqual([]);
    expect(accepted.bcc).toEqual([{ address: 'audit@example.com' }]);
    expect(accepted.messageId).toBe('<mo_01HTEST@example.test>');
  });

  it('a partial re-send to cc/bcc only gives each recipient an envelope of their own', async () => {
    await configured().send(
      fullMessage(),
      sendContext({ recipients: ['grace@example.org', 'audit@example.com'] }),
    );
    const raw = sandbox.messages[0]!.raw as {
      personalizations: { to: { email: string }[]; bcc?: unknown }[];
    };
    expect(raw.personalizations).toEqual([
      { to: [{ email: 'grace@example.org', name: 'Grace' }] },
      { to: [{ email: 'audit@example.com' }] },
    ]);
  });

  it('a message with only to-recipients goes as `to`, and arrives as the same single envelope', async () => {
    await configured().send(fullMessage({ cc: [], bcc: [] }), sendContext());
    const raw = sandbox.messages[0]!.raw as { personalizations: unknown[] };
    expect(raw.personalizations).toEqual([
      { to: [{ email: 'ada@example.org', name: 'Ada Lovelace' }, { email: 'alan@example.org' }] },
    ]);
    expect(sandbox.messages[0]!.to.map((address) => address.address)).toEqual([
      'ada@example.org',
      'alan@example.org',
    ]);
  });

  it('sends an address repeated across to/cc/bcc once (SendGrid refuses duplicates)', async () => {
    const message = fullMessage({ cc: [{ address: 'ADA@example.org' }], bcc: [] });
    await configured().send(message, sendContext());
    expect(sandbox.messages[0]!.cc).toEqual([]);
  });

  it('uses an injected client (here @sendgrid/mail’s own singleton) instead of building one', async () => {
    sgMail.setApiKey(sandbox.credentials.sendgrid.apiKey);
    (
      sgMail as unknown as { client: { setDefaultRequest(key: string, value: string): void } }
    ).client.setDefaultRequest('baseUrl', sandbox.endpoints.sendgrid);
    const provider = sendgrid({ apiKey: 'SG.never-used', endpoint: 'http://127.0.0.1:1/', client: sgMail });
    const result = await provider.send(fullMessage(), sendContext());
    expect(result.providerMessageId).toBe(sandbox.messages[0]!.providerMessageId);
  });
});

describe('sendgrid(): credentials', () => {
  const saved = process.env.SENDGRID_API_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.SENDGRID_API_KEY;
    else process.env.SENDGRID_API_KEY = saved;
  });

  it('falls back to SENDGRID_API_KEY, read at the first send, not at construction', async () => {
    delete process.env.SENDGRID_API_KEY;
    const provider = sendgrid({ endpoint: sandbox.endpoints.sendgrid });
    process.env.SENDGRID_API_KEY = sandbox.credentials.sendgrid.apiKey;
    await expect(provider.send(fullMessage(), sendContext())).resolves.toHaveProperty('providerMessageId');
    expect(sandbox.messages).toHaveLength(1);
  });

  it('the apiKey option wins over the environment', async () => {
    process.env.SENDGRID_API_KEY = 'SG.wrong-key-from-env';
    await configured().send(fullMessage(), sendContext());
    expect(sandbox.messages).toHaveLength(1);
  });

  it('with no key anywhere: a ConfigurationError naming option and variable, classified auth_failed', async () => {
    delete process.env.SENDGRID_API_KEY;
    const provider = sendgrid({ endpoint: sandbox.endpoints.sendgrid });
    const error = await provider.send(fullMessage(), sendContext()).catch((caught: unknown) => caught);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/apiKey/);
    expect((error as Error).message).toMatch(/SENDGRID_API_KEY/);
    expect(provider.classifyError(error)).toMatchObject({ code: 'auth_failed', outcome: 'not_sent' });
    expect(sandbox.requests.sendgrid).toBe(0);
  });
});

describe('sendgrid(): the SDK loads lazily', () => {
  it('importing the package does not load @sendgrid/*; the first send does', async () => {
    const probe = fileURLToPath(new URL('./lazy-import-probe.mts', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=mailover-source',
        probe,
        sandbox.endpoints.sendgrid,
        sandbox.credentials.sendgrid.apiKey,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, SENDGRID_API_KEY: '' } },
    );
    expect(JSON.parse(stdout)).toEqual({ afterImport: 0, afterConstruct: 0, afterSendLoaded: true });
  });
});

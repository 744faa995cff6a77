import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mailgun } from '../src/index.js';
import { testContext, testMessage } from './support.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});
afterEach(() => vi.unstubAllEnvs());

function sandboxProvider(extra: Parameters<typeof mailgun>[0] = {}) {
  return mailgun({
    apiKey: sandbox.credentials.mailgun.apiKey,
    domain: sandbox.credentials.mailgun.domain,
    endpoint: sandbox.endpoints.mailgun,
    ...extra,
  });
}

describe('mailgun provider: shape', () => {
  it('declares its kind, id, ip mode and Mailgun’s limits, overridable', () => {
    const provider = mailgun();
    expect(provider).toMatchObject({
      specificationVersion: 'v1',
      id: 'mailgun',
      kind: 'mailgun',
      ip: 'rotating',
    });
    expect(provider.limits).toEqual({ maxMessageBytes: 25 * 1024 * 1024, maxRecipients: 1000 });
    const custom = mailgun({ id: 'mailgun-pool', ip: 'fixed', limits: { maxRecipients: 50 } });
    expect(custom).toMatchObject({ id: 'mailgun-pool', ip: 'fixed' });
    expect(custom.limits.maxRecipients).toBe(50);
    expect(custom.limits.maxMessageBytes).toBe(25 * 1024 * 1024);
  });
});

describe('mailgun provider: sending through mailgun.js to the sandbox', () => {
  it('delivers every field of the message, attachments byte-identical', async () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const provider = sandboxProvider({ sendingIpPool: 'pool-fixed-1', sendingIp: '192.0.2.10' });
    const message = testMessage({
      to: [{ address: 'to@example.org', name: 'To, Person' }, { address: 'second@example.org' }],
      cc: [{ address: 'cc@example.org', name: 'Cc Person' }],
      bcc: [{ address: 'bcc@example.org' }],
      replyTo: [{ address: 'reply@example.test', name: 'Replies' }],
      html: '<p>html body <img src="cid:logo"></p>',
      attachments: [
        { filename: 'report.txt', content: Buffer.from('héllo report\n'), contentType: 'text/plain' },
        { filename: 'blob.bin', content: binary, contentType: 'application/octet-stream' },
        {
          filename: 'logo.png',
          content: Buffer.from([137, 80, 78, 71, 0, 255]),
          contentType: 'image/png',
          cid: 'logo',
        },
      ],
      headers: { 'X-Campaign': 'spring', 'List-Unsubscribe': '<mailto:unsub@example.test>' },
      tags: ['welcome', 'onboarding'],
      metadata: { tenant: 'acme', plan: 'pro' },
    });

    const result = await provider.send(message, testContext());

    expect(result.providerMessageId).toBe(message.messageId);
    expect(sandbox.messages).toHaveLength(1);
    const accepted = sandbox.messages[0]!;
    expect(accepted).toMatchObject({
      providerMessageId: result.providerMessageId,
      from: { address: 'sender@example.test', name: 'Sender Name' },
      to: [{ address: 'to@example.org', name: 'To, Person' }, { address: 'second@example.org' }],
      cc: [{ address: 'cc@example.org', name: 'Cc Person' }],
      bcc: [{ address: 'bcc@example.org' }],
      replyTo: [{ address: 'reply@example.test', name: 'Replies' }],
      subject: 'Hello from mailover',
      text: 'plain body',
      html: '<p>html body <img src="cid:logo"></p>',
      messageId: message.messageId,
      tags: ['welcome', 'onboarding'],
      metadata: { tenant: 'acme', plan: 'pro', mailover_id: message.id },
      ipPool: 'pool-fixed-1',
    });
    expect(accepted.headers).toMatchObject({
      'X-Campaign': 'spring',
      'List-Unsubscribe': '<mailto:unsub@example.test>',
      'Message-Id': message.messageId,
    });
    expect((accepted.raw as Record<string, unknown>)['o:sending-ip']).toBe('192.0.2.10');

    const byName = new Map(accepted.attachments.map((attachment) => [attachment.filename, attachment]));
    expect(byName.get('report.txt')?.content.equals(Buffer.from('héllo report\n'))).toBe(true);
    expect(byName.get('report.txt')?.contentType).toBe('text/plain');
    expect(byName.get('blob.bin')?.content.equals(binary)).toBe(true);
    // Mailgun names an inline part by its Content-ID.
    expect(byName.get('logo')).toMatchObject({ cid: 'logo', contentType: 'image/png' });
    expect(byName.get('logo')?.content.equals(Buffer.from([137, 80, 78, 71, 0, 255]))).toBe(true);
  });

  it('re-sends only to the given recipients, keeping their fields', async () => {
    const provider = sandboxProvider();
    const message = testMessage({
      to: [{ address: 'a@example.org' }, { address: 'b@example.edu' }],
      cc: [{ address: 'c@example.edu' }],
      bcc: [{ address: 'd@example.org' }],
    });
    await provider.send(message, testContext({ recipients: ['B@example.edu', 'c@example.edu'] }));
    const accepted = sandbox.messages[0]!;
    expect(accepted.to).toEqual([{ address: 'b@example.edu' }]);
    expect(accepted.cc).toEqual([{ address: 'c@example.edu' }]);
    expect(accepted.bcc).toEqual([]);
    expect(accepted.messageId).toBe(message.messageId);
  });

  it('sends a cc-only re-send as to, since Mailgun requires a to', async () => {
    const provider = sandboxProvider();
    const message = testMessage({ cc: [{ address: 'c@example.edu' }] });
    await provider.send(message, testContext({ recipients: ['c@example.edu'] }));
    expect(sandbox.messages[0]!.to).toEqual([{ address: 'c@example.edu' }]);
  });

  it('accepts an endpoint given with a trailing /v3/', async () => {
    const provider = sandboxProvider({ endpoint: `${sandbox.endpoints.mailgun}/v3/` });
    await provider.send(testMessage(), testContext());
    expect(sandbox.messages).toHaveLength(1);
  });
});

describe('mailgun provider: credentials', () => {
  it('falls back to MAILGUN_API_KEY and MAILGUN_DOMAIN, read at the first send', async () => {
    const provider = mailgun({ endpoint: sandbox.endpoints.mailgun });
    vi.stubEnv('MAILGUN_API_KEY', sandbox.credentials.mailgun.apiKey);
    vi.stubEnv('MAILGUN_DOMAIN', sandbox.credentials.mailgun.domain);
    const result = await provider.send(testMessage(), testContext());
    expect(result.providerMessageId).toBe(testMessage().messageId);
    expect(sandbox.messages).toHaveLength(1);
  });

  it('fails the send, not the construction, with a ConfigurationError naming the option and variable', async () => {
    vi.stubEnv('MAILGUN_API_KEY', '');
    vi.stubEnv('MAILGUN_DOMAIN', '');
    const provider = mailgun({ endpoint: sandbox.endpoints.mailgun });
    const error = await provider.send(testMessage(), testContext()).catch((caught: unknown) => caught);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/domain.*MAILGUN_DOMAIN/);
    expect(provider.classifyError(error)).toMatchObject({ code: 'auth_failed', outcome: 'not_sent' });

    const keyless = mailgun({ domain: 'mg.sandbox.test', endpoint: sandbox.endpoints.mailgun });
    const keyError = await keyless.send(testMessage(), testContext()).catch((caught: unknown) => caught);
    expect((keyError as Error).message).toMatch(/apiKey.*MAILGUN_API_KEY/);
    expect(sandbox.requests.mailgun).toBe(0);
  });

  it('uses an injected client instead of building one', async () => {
    const calls: string[] = [];
    const provider = mailgun({
      domain: 'mg.injected.test',
      client: {
        messages: {
          create: async (domain) => {
            calls.push(domain);
            return { status: 200, id: '<injected@mg.injected.test>', message: 'Queued. Thank you.' };
          },
        },
      },
    });
    const result = await provider.send(testMessage(), testContext());
    expect(result.providerMessageId).toBe('<injected@mg.injected.test>');
    expect(calls).toEqual(['mg.injected.test']);
  });
});

describe('mailgun provider: the SDK loads lazily', () => {
  it('importing and constructing do not load mailgun.js; the first send does', async () => {
    // A child process whose module resolver refuses mailgun.js: only a send may ask for it.
    const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(
        "export async function resolve(specifier, context, next) {" +
        "  if (specifier === 'mailgun.js') throw new Error('mailgun.js was requested');" +
        "  return next(specifier, context); }"));
      const { mailgun } = await import('@mailover/mailgun');
      const provider = mailgun({ apiKey: 'key-x', domain: 'mg.example.test' });
      console.log('constructed ' + provider.kind);
      const message = { id: 'm', messageId: '<m@x>', from: { address: 'a@x.test' }, to: [{ address: 'b@x.test' }],
        cc: [], bcc: [], replyTo: [], subject: 's', text: 't', attachments: [], headers: {}, tags: [], metadata: {}, sizeBytes: 1 };
      await provider.send(message, { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' })
        .catch((error) => console.log('send: ' + error.message));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=mailover-source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: `${repoRoot}packages/mailgun`, timeout: 15_000 },
    );
    expect(stdout).toContain('constructed mailgun');
    expect(stdout).toContain('send: mailgun.js was requested');
  });
});

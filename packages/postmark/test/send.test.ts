import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import * as sdk from 'postmark';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postmark } from '../src/index.js';
import { BINARY_BYTES, makeMessage, sendContext } from './helpers.js';

let sandbox: Sandbox;
const savedToken = process.env.POSTMARK_SERVER_TOKEN;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
  delete process.env.POSTMARK_SERVER_TOKEN;
});
afterEach(() => {
  if (savedToken === undefined) delete process.env.POSTMARK_SERVER_TOKEN;
  else process.env.POSTMARK_SERVER_TOKEN = savedToken;
});

function provider(options: Parameters<typeof postmark>[0] = {}) {
  return postmark({
    serverToken: sandbox.credentials.postmark.serverToken,
    endpoint: sandbox.endpoints.postmark,
    ...options,
  });
}

describe('postmark adapter: sending through the official SDK', () => {
  it('declares what it is, with Postmark limits and overridable defaults', () => {
    const plain = postmark();
    expect(plain).toMatchObject({
      specificationVersion: 'v1',
      id: 'postmark',
      kind: 'postmark',
      ip: 'rotating',
    });
    expect(plain.limits).toMatchObject({ maxMessageBytes: 10_000_000, maxRecipients: 50 });
    expect(plain.limits.blockedExtensions).toContain('exe');
    const custom = postmark({ id: 'postmark-dedicated', ip: 'fixed', limits: { maxRecipients: 10 } });
    expect(custom).toMatchObject({ id: 'postmark-dedicated', ip: 'fixed' });
    expect(custom.limits).toMatchObject({ maxRecipients: 10, maxMessageBytes: 10_000_000 });
  });

  it('delivers every field of the message, attachments byte for byte', async () => {
    const message = makeMessage();
    const result = await provider({ messageStream: 'transactional-dedicated' }).send(message, sendContext());

    expect(sandbox.messages).toHaveLength(1);
    const [accepted] = sandbox.messages;
    expect(result.providerMessageId).toBe(accepted?.providerMessageId);
    expect(accepted).toMatchObject({
      from: { address: 'sender@example.com', name: 'Sender Name' },
      to: [{ address: 'jane@example.org', name: 'Doe, Jane' }, { address: 'bob@example.org' }],
      cc: [{ address: 'carol@example.org', name: 'Carol' }],
      bcc: [{ address: 'dave@example.org' }],
      replyTo: [{ address: 'replies@example.com', name: 'Replies' }],
      subject: 'Your receipt',
      text: message.text,
      html: message.html,
      messageId: '<mo_01HTESTMESSAGE@example.test>',
      headers: {
        'X-Order-Id': 'order-42',
        'List-Unsubscribe': '<mailto:unsubscribe@example.com>',
        'Message-ID': '<mo_01HTESTMESSAGE@example.test>',
      },
      tags: ['receipts'],
      metadata: { tenant: 'acme', order: '42', mailover_id: 'mo_01HTESTMESSAGE' },
      ipPool: 'transactional-dedicated',
    });
    expect(accepted?.attachments.map((attachment) => attachment.filename)).toEqual([
      'receipt.txt',
      'blob.bin.dat',
      'logo.png',
    ]);
    message.attachments.forEach((attachment, index) => {
      const arrived = accepted?.attachments[index];
      expect(arrived?.content.equals(Buffer.from(attachment.content))).toBe(true);
      expect(arrived?.contentType).toBe(attachment.contentType);
    });
    expect(accepted?.attachments[1]?.content.equals(Buffer.from(BINARY_BYTES))).toBe(true);
    expect(accepted?.attachments[2]?.cid).toBe('logo@example.test');
    expect(accepted?.attachments[0]?.cid).toBeUndefined();
  });

  it('sends only to the given recipients on a partial re-send', async () => {
    await provider().send(
      makeMessage(),
      sendContext({ recipients: ['BOB@example.org', 'dave@example.org'] }),
    );
    const [accepted] = sandbox.messages;
    expect(accepted?.to).toEqual([{ address: 'bob@example.org' }]);
    expect(accepted?.cc).toEqual([]);
    expect(accepted?.bcc).toEqual([{ address: 'dave@example.org' }]);
  });

  it('leaves out the stream, tag and attachments when the message has none', async () => {
    await provider().send(makeMessage({ attachments: [], tags: [], html: undefined }), sendContext());
    const [accepted] = sandbox.messages;
    expect(accepted?.ipPool).toBeUndefined();
    expect(accepted?.tags).toEqual([]);
    expect(accepted?.attachments).toEqual([]);
    expect(accepted?.html).toBeUndefined();
  });

  it('uses a pre-built SDK client when given one', async () => {
    const url = new URL(sandbox.endpoints.postmark);
    const client = new sdk.ServerClient(sandbox.credentials.postmark.serverToken, {
      useHttps: false,
      requestHost: `${url.host}${url.pathname}`,
    });
    const result = await postmark({ client }).send(makeMessage(), sendContext());
    expect(result.providerMessageId).toBe(sandbox.messages[0]?.providerMessageId);
  });
});

describe('postmark adapter: credentials', () => {
  it('falls back to POSTMARK_SERVER_TOKEN, read at the first send', async () => {
    const adapter = postmark({ endpoint: sandbox.endpoints.postmark });
    process.env.POSTMARK_SERVER_TOKEN = sandbox.credentials.postmark.serverToken;
    await adapter.send(makeMessage(), sendContext());
    expect(sandbox.messages).toHaveLength(1);
  });

  it('prefers the option over the environment variable', async () => {
    process.env.POSTMARK_SERVER_TOKEN = 'a-wrong-token-from-env';
    await provider().send(makeMessage(), sendContext());
    expect(sandbox.messages).toHaveLength(1);
  });

  it('throws a ConfigurationError naming the option and the variable when no token is set', async () => {
    const adapter = postmark({ endpoint: sandbox.endpoints.postmark });
    const error = await adapter.send(makeMessage(), sendContext()).catch((caught: unknown) => caught);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('serverToken');
    expect((error as Error).message).toContain('POSTMARK_SERVER_TOKEN');
    expect(adapter.classifyError(error)).toMatchObject({ code: 'auth_failed', outcome: 'not_sent' });
    expect(sandbox.requests.postmark).toBe(0);
  });

  it('does not load the postmark SDK on import or construction', () => {
    const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const loaded = () => Object.keys(require.cache).some((key) => key.includes('/node_modules/postmark/'));
      const { postmark } = await import('./src/index.ts');
      postmark();
      const before = loaded();
      await import('postmark');
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=mailover-source', '--input-type=module', '-e', script],
      { cwd: packageDirectory, encoding: 'utf8', env: { ...process.env, POSTMARK_SERVER_TOKEN: '' } },
    );
    expect(child.stderr).toBe('');
    // `after` proves the check can see the SDK once something does load it.
    expect(JSON.parse(child.stdout.trim())).toEqual({ before: false, after: true });
  });
});

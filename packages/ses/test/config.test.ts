import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ses } from '../src/index.js';
import { sampleMessage, sendContext } from './helpers.js';

const AWS_VARIABLES = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;
const saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.reset();
  for (const name of AWS_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function clearAwsEnvironment(): void {
  for (const name of AWS_VARIABLES) delete process.env[name];
}

async function sendError(provider: ReturnType<typeof ses>): Promise<unknown> {
  return provider.send(sampleMessage(), sendContext()).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('ses adapter: settings', () => {
  it('reads region and credentials from the environment at the first send', async () => {
    clearAwsEnvironment();
    const provider = ses({ endpoint: sandbox.endpoints.ses });
    process.env.AWS_REGION = sandbox.credentials.ses.region;
    process.env.AWS_ACCESS_KEY_ID = sandbox.credentials.ses.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = sandbox.credentials.ses.secretAccessKey;
    const result = await provider.send(sampleMessage(), sendContext());
    expect(sandbox.messages[0]?.providerMessageId).toBe(result.providerMessageId);
  });

  it('prefers options over the environment', async () => {
    clearAwsEnvironment();
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFROMENVIRONMENT0';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-from-environment';
    const { region, accessKeyId, secretAccessKey } = sandbox.credentials.ses;
    const provider = ses({
      region,
      credentials: { accessKeyId, secretAccessKey },
      endpoint: sandbox.endpoints.ses,
    });
    await provider.send(sampleMessage(), sendContext());
    expect(sandbox.messages).toHaveLength(1);
  });

  it('constructs without any setting, and says which one is missing at the first send', async () => {
    clearAwsEnvironment();
    const provider = ses();
    const error = await sendError(provider);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/region.*AWS_REGION/);
    expect(provider.classifyError(error)).toMatchObject({ code: 'auth_failed', outcome: 'not_sent' });
  });

  it('names the missing secret key when only the key id is given', async () => {
    clearAwsEnvironment();
    const provider = ses({ region: 'us-east-1', credentials: { accessKeyId: 'AKIAONLYTHEKEYID0000' } });
    const error = await sendError(provider);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/secretAccessKey.*AWS_SECRET_ACCESS_KEY/);
    expect(provider.classifyError(error).code).toBe('auth_failed');
  });

  it('recovers once the missing setting appears', async () => {
    clearAwsEnvironment();
    const { accessKeyId, secretAccessKey, region } = sandbox.credentials.ses;
    const provider = ses({ credentials: { accessKeyId, secretAccessKey }, endpoint: sandbox.endpoints.ses });
    expect(ConfigurationError.isInstance(await sendError(provider))).toBe(true);
    process.env.AWS_REGION = region;
    await provider.send(sampleMessage(), sendContext());
    expect(sandbox.messages).toHaveLength(1);
  });
});

describe('ses adapter: lazy SDK', () => {
  it('importing the package and calling ses() does not load @aws-sdk/client-sesv2; the first send does', async () => {
    // A fresh process: this test process has loaded the SDK already.
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('client-sesv2'));
      const { ses } = await import('@mailover/ses');
      const provider = ses({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'AKIALAZYCHECK0000000', secretAccessKey: 'lazy' } });
      const afterConstruct = loaded();
      const message = { id: 'x', messageId: '<x@x.test>', from: { address: 'a@x.test' }, to: [{ address: 'b@x.test' }], cc: [], bcc: [], replyTo: [], subject: 's', text: 't', attachments: [], headers: {}, tags: [], metadata: {}, sizeBytes: 1 };
      await provider.send(message, { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' }).catch(() => {});
      console.log(JSON.stringify({ afterConstruct, afterSend: loaded() }));
    `;
    const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=mailover-source', '--input-type=module', '--eval', script],
      { cwd: packageDirectory },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ afterConstruct: false, afterSend: true });
  });
});

describe('ASCII addresses only', () => {
  it('is declared (SES has no SMTPUTF8), so the mailer sends josé@ through the next provider', async () => {
    const { createMailer } = await import('@mailover/core');
    const { mockProvider } = await import('@mailover/core/testing');
    const provider = ses({
      region: sandbox.credentials.ses.region,
      credentials: sandbox.credentials.ses,
      endpoint: sandbox.endpoints.ses,
    });
    expect(provider.limits.asciiAddressesOnly).toBe(true);
    const next = mockProvider({ id: 'next' });
    const mailer = createMailer({ providers: [provider, next] });
    const message = { from: 'shop@example.com', subject: 'Hi', text: 'Hello' };
    expect((await mailer.send({ ...message, to: 'josé@example.org' })).provider).toBe('next');
    expect(sandbox.messages).toHaveLength(0);
    expect((await mailer.send({ ...message, to: 'jose@example.org' })).provider).toBe('ses');
    expect(sandbox.messages).toHaveLength(1);
    await mailer.close();
  });

  it('can be lifted for an account that is known to take them', () => {
    expect(ses({ limits: { asciiAddressesOnly: false } }).limits.asciiAddressesOnly).toBe(false);
  });
});

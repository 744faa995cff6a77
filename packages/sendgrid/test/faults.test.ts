import { createServer } from 'node:net';
import { NEVER_ABORTED, type ProviderFailure } from '@mailover/core';
import { type Fault, type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendgrid } from '../src/index.js';
import { fullMessage, sendContext } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

/** Send once through the real SDK and return what classifyError makes of the failure. */
async function failureOf(
  provider = sendgrid({
    apiKey: sandbox.credentials.sendgrid.apiKey,
    endpoint: sandbox.endpoints.sendgrid,
    timeoutMs: 300,
  }),
  signal?: AbortSignal,
): Promise<ProviderFailure> {
  const error = await provider.send(fullMessage(), sendContext(signal ? { signal } : {})).then(
    () => {
      throw new Error('the send succeeded, a failure was expected');
    },
    (caught: unknown) => caught,
  );
  return provider.classifyError(error);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('sendgrid: every sandbox fault, through @sendgrid/mail, classified', () => {
  const cases: [Fault, Partial<ProviderFailure>][] = [
    [{ kind: 'outage' }, { code: 'provider_unavailable', outcome: 'unknown', status: 503 }],
    [{ kind: 'server_error' }, { code: 'provider_unavailable', outcome: 'unknown', status: 500 }],
    [
      { kind: 'rate_limited', retryAfterSeconds: 3 },
      { code: 'rate_limited', outcome: 'not_sent', status: 429, retryAfterMs: 3000 },
    ],
    [{ kind: 'hang' }, { code: 'timeout', outcome: 'unknown' }],
    [{ kind: 'reset' }, { code: 'network', outcome: 'unknown' }],
    [{ kind: 'malformed' }, { code: 'unknown', outcome: 'unknown', status: 200 }],
    [{ kind: 'quota_exhausted' }, { code: 'quota_exceeded', outcome: 'not_sent', status: 401 }],
    [{ kind: 'account_suspended' }, { code: 'account_suspended', outcome: 'not_sent', status: 403 }],
    [{ kind: 'message_too_large' }, { code: 'message_rejected', outcome: 'not_sent', status: 413 }],
  ];

  it.each(cases)('%o → %o', async (fault, expected) => {
    sandbox.faults.next('sendgrid', fault);
    const failure = await failureOf();
    expect(failure).toMatchObject(expected);
    expect(failure.message).toMatch(/SendGrid/);
    expect(sandbox.requests.sendgrid).toBe(1);
    expect(sandbox.messages).toHaveLength(0);
  });

  it('rate_limited with the sandbox’s default Retry-After of 1 s', async () => {
    sandbox.faults.next('sendgrid', { kind: 'rate_limited' });
    const failure = await failureOf();
    expect(failure.code).toBe('rate_limited');
    expect(failure.retryAfterMs).toBe(1000);
  });

  it('wrong credentials → auth_failed with SendGrid’s message', async () => {
    const failure = await failureOf(
      sendgrid({ apiKey: 'SG.not-the-sandbox-key', endpoint: sandbox.endpoints.sendgrid }),
    );
    expect(failure).toMatchObject({ code: 'auth_failed', outcome: 'not_sent', status: 401 });
    expect(failure.message).toMatch(/authorization grant is invalid/);
  });

  it('a validation refusal (400) → invalid_message', async () => {
    const provider = sendgrid({
      apiKey: sandbox.credentials.sendgrid.apiKey,
      endpoint: sandbox.endpoints.sendgrid,
    });
    const error = await provider
      .send(fullMessage({ subject: '' }), sendContext())
      .catch((caught: unknown) => caught);
    expect(provider.classifyError(error)).toMatchObject({
      code: 'invalid_message',
      status: 400,
      outcome: 'not_sent',
    });
  });

  it('connection refused on a closed port → network, not sent', async () => {
    const port = await closedPort();
    const failure = await failureOf(
      sendgrid({ apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: `http://127.0.0.1:${port}/` }),
    );
    expect(failure).toMatchObject({ code: 'network', outcome: 'not_sent', providerCode: 'ECONNREFUSED' });
  });

  it('an aborted signal ends a hanging send → timeout, outcome unknown', async () => {
    sandbox.faults.next('sendgrid', { kind: 'hang' });
    const controller = new AbortController();
    const provider = sendgrid({
      apiKey: sandbox.credentials.sendgrid.apiKey,
      endpoint: sandbox.endpoints.sendgrid,
      timeoutMs: 60_000,
    });
    const pending = failureOf(provider, controller.signal);
    while (sandbox.requests.sendgrid === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('deadline'));
    expect(await pending).toMatchObject({ code: 'timeout', outcome: 'unknown' });
  });

  it('sends that nothing can stop share a client, yet its timeout holds and a signal of its own still aborts', async () => {
    const provider = sendgrid({
      apiKey: sandbox.credentials.sendgrid.apiKey,
      endpoint: sandbox.endpoints.sendgrid,
      timeoutMs: 300,
    });
    const unstoppable = sendContext({ signal: NEVER_ABORTED });
    await provider.send(fullMessage(), unstoppable);
    // The shared client keeps the timeout: a hang still ends, as a timeout.
    sandbox.faults.next('sendgrid', { kind: 'hang' });
    expect(await failureOf(provider, NEVER_ABORTED)).toMatchObject({ code: 'timeout', outcome: 'unknown' });
    // A send with its own signal gets a client that listens to it.
    sandbox.faults.next('sendgrid', { kind: 'hang' });
    const controller = new AbortController();
    const before = sandbox.requests.sendgrid;
    const pending = failureOf(provider, controller.signal);
    while (sandbox.requests.sendgrid === before) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('caller gave up'));
    expect(await pending).toMatchObject({ code: 'timeout', outcome: 'unknown' });
    // And the next unstoppable send is not tied to that aborted signal.
    await expect(provider.send(fullMessage(), unstoppable)).resolves.toMatchObject({
      providerMessageId: expect.any(String),
    });
    expect(sandbox.messages.filter((accepted) => accepted.provider === 'sendgrid')).toHaveLength(2);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    const failure = await failureOf(undefined, controller.signal);
    expect(failure).toMatchObject({ code: 'timeout', outcome: 'unknown' });
    expect(sandbox.requests.sendgrid).toBe(0);
  });

  it('an injected client without signal support is still cut off by raceAbort', async () => {
    const controller = new AbortController();
    const never = { send: () => new Promise<never>(() => {}) };
    const pending = failureOf(sendgrid({ client: never }), controller.signal);
    controller.abort({ code: 'deadline_exceeded' });
    expect(await pending).toMatchObject({ code: 'timeout', outcome: 'unknown' });
  });
});

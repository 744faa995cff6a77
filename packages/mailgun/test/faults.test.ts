import { createServer } from 'node:net';
import type { ProviderFailure, ProviderV1 } from '@mailover/core';
import { type Fault, type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mailgun } from '../src/index.js';
import { testContext, testMessage } from './support.js';

let sandbox: Sandbox;
let provider: ProviderV1;

beforeAll(async () => {
  sandbox = await startSandbox();
  provider = mailgun({
    apiKey: sandbox.credentials.mailgun.apiKey,
    domain: sandbox.credentials.mailgun.domain,
    endpoint: sandbox.endpoints.mailgun,
    timeoutMs: 300,
  });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

/** Send once through `through` and classify what it threw. */
async function failureOf(through: ProviderV1, message = testMessage(), context = testContext()) {
  const error = await through.send(message, context).then(
    () => {
      throw new Error('expected the send to fail');
    },
    (caught: unknown) => caught,
  );
  return through.classifyError(error);
}

async function failureWithFault(fault: Fault): Promise<ProviderFailure> {
  sandbox.faults.next('mailgun', fault);
  const failure = await failureOf(provider);
  expect(sandbox.messages).toHaveLength(0);
  return failure;
}

describe('mailgun: sandbox faults through mailgun.js are classified', () => {
  it.each([
    ['outage', { code: 'provider_unavailable', outcome: 'unknown', status: 503 }],
    ['server_error', { code: 'provider_unavailable', outcome: 'unknown', status: 500 }],
    ['quota_exhausted', { code: 'quota_exceeded', outcome: 'not_sent', status: 402 }],
    ['account_suspended', { code: 'account_suspended', outcome: 'not_sent', status: 403 }],
    ['message_too_large', { code: 'message_rejected', outcome: 'not_sent', status: 413 }],
    ['malformed', { code: 'unknown', outcome: 'unknown', status: 200 }],
    ['reset', { code: 'network', outcome: 'unknown' }],
  ] as const)('%s', async (kind, expected) => {
    expect(await failureWithFault({ kind })).toMatchObject(expected);
  });

  it('rate_limited: rate_limited with the wait read from Mailgun’s "try again after" date', async () => {
    const failure = await failureWithFault({ kind: 'rate_limited', retryAfterSeconds: 30 });
    expect(failure).toMatchObject({ code: 'rate_limited', outcome: 'not_sent', status: 429 });
    // The date has whole seconds, so the wait is within a second of what the sandbox asked.
    expect(failure.retryAfterMs).toBeGreaterThan(28_000);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('hang: the request timeout (reported by mailgun.js as a 400) is a timeout, outcome unknown', async () => {
    const failure = await failureWithFault({ kind: 'hang' });
    expect(failure).toMatchObject({ code: 'timeout', outcome: 'unknown', providerCode: 'ECONNABORTED' });
    expect(failure.status).toBeUndefined();
  });

  it('an abort of the signal while the request hangs is a timeout, outcome unknown', async () => {
    sandbox.faults.next('mailgun', { kind: 'hang' });
    const controller = new AbortController();
    const patient = mailgun({
      apiKey: sandbox.credentials.mailgun.apiKey,
      domain: sandbox.credentials.mailgun.domain,
      endpoint: sandbox.endpoints.mailgun,
    });
    const sending = failureOf(patient, testMessage(), testContext({ signal: controller.signal }));
    controller.abort(new Error('deadline'));
    expect(await sending).toMatchObject({ code: 'timeout', outcome: 'unknown' });
  });

  it('wrong credentials: 401 Forbidden is auth_failed', async () => {
    const wrongKey = mailgun({
      apiKey: 'key-wrong',
      domain: sandbox.credentials.mailgun.domain,
      endpoint: sandbox.endpoints.mailgun,
    });
    expect(await failureOf(wrongKey)).toMatchObject({
      code: 'auth_failed',
      outcome: 'not_sent',
      status: 401,
    });
  });

  it('an unknown domain: 404 Domain not found is auth_failed', async () => {
    const wrongDomain = mailgun({
      apiKey: sandbox.credentials.mailgun.apiKey,
      domain: 'mg.unknown.test',
      endpoint: sandbox.endpoints.mailgun,
    });
    expect(await failureOf(wrongDomain)).toMatchObject({
      code: 'auth_failed',
      status: 404,
      providerCode: 'domain_not_found',
    });
  });

  it('a message Mailgun refuses (no text or html) is invalid_message', async () => {
    const { text: _text, ...bodiless } = testMessage();
    expect(await failureOf(provider, bodiless)).toMatchObject({ code: 'invalid_message', status: 400 });
  });

  it('connection refused (reported by mailgun.js as a 400) is network, not sent', async () => {
    const port = await closedPort();
    const nowhere = mailgun({
      apiKey: 'key-x',
      domain: 'mg.example.test',
      endpoint: `http://127.0.0.1:${port}`,
    });
    expect(await failureOf(nowhere)).toMatchObject({
      code: 'network',
      outcome: 'not_sent',
      providerCode: 'ECONNREFUSED',
    });
  });

  it('an endpoint that is not the Mailgun API (its root page) is auth_failed, not invalid_message', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const server = createHttpServer((_request, response) => response.end('Mailgun Magnificent API'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const misrouted = mailgun({
      apiKey: 'key-x',
      domain: 'mg.example.test',
      endpoint: `http://127.0.0.1:${port}`,
    });
    const failure = await failureOf(misrouted);
    await new Promise((resolve) => server.close(resolve));
    expect(failure).toMatchObject({ code: 'auth_failed', providerCode: 'incorrect_url' });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

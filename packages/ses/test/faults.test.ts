import { createServer } from 'node:net';
import type { ProviderFailure } from '@mailover/core';
import { type Fault, type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ses } from '../src/index.js';
import { sampleMessage, sandboxProvider, sendContext } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.clear();
  sandbox.reset();
});

/** Send once and return what the adapter makes of the failure. */
async function failureOf(provider = sandboxProvider(sandbox, { timeoutMs: 300 }), signal?: AbortSignal) {
  const error = await provider.send(sampleMessage(), sendContext({ signal })).then(
    () => {
      throw new Error('expected the send to fail');
    },
    (thrown: unknown) => thrown,
  );
  return provider.classifyError(error);
}

describe('ses adapter: sandbox faults through the official SDK', () => {
  const cases: Array<[string, Fault, Partial<ProviderFailure>]> = [
    ['outage', { kind: 'outage' }, { code: 'provider_unavailable', outcome: 'unknown', status: 503 }],
    [
      'server_error',
      { kind: 'server_error' },
      {
        code: 'provider_unavailable',
        outcome: 'unknown',
        status: 500,
        providerCode: 'InternalServiceErrorException',
      },
    ],
    [
      'rate_limited',
      { kind: 'rate_limited', retryAfterSeconds: 3 },
      {
        code: 'rate_limited',
        outcome: 'not_sent',
        status: 429,
        retryAfterMs: 3000,
        providerCode: 'TooManyRequestsException',
      },
    ],
    ['hang', { kind: 'hang' }, { code: 'timeout', outcome: 'unknown' }],
    ['reset', { kind: 'reset' }, { code: 'network', outcome: 'unknown', providerCode: 'ECONNRESET' }],
    ['malformed', { kind: 'malformed' }, { code: 'unknown', outcome: 'unknown', status: 200 }],
    [
      'quota_exhausted',
      { kind: 'quota_exhausted' },
      { code: 'quota_exceeded', outcome: 'not_sent', status: 400, providerCode: 'LimitExceededException' },
    ],
    [
      'account_suspended',
      { kind: 'account_suspended' },
      { code: 'account_suspended', outcome: 'not_sent', providerCode: 'AccountSuspendedException' },
    ],
    [
      'message_too_large',
      { kind: 'message_too_large' },
      { code: 'message_rejected', outcome: 'not_sent', providerCode: 'MessageRejected' },
    ],
  ];
  for (const [name, fault, expected] of cases) {
    it(`${name} → ${expected.code} (${expected.outcome})`, async () => {
      sandbox.faults.next('ses', fault);
      const failure = await failureOf();
      expect(failure).toMatchObject(expected);
      expect(sandbox.requests.ses).toBe(1);
    });
  }

  it('rate_limited without a scripted delay → Retry-After 1 s', async () => {
    sandbox.faults.next('ses', { kind: 'rate_limited' });
    expect(await failureOf()).toMatchObject({ code: 'rate_limited', retryAfterMs: 1000 });
  });

  it('wrong access key → auth_failed, one attempt', async () => {
    const provider = sandboxProvider(sandbox, {
      credentials: { accessKeyId: 'AKIAWRONGKEY00000000', secretAccessKey: 'whatever-secret' },
    });
    expect(await failureOf(provider)).toMatchObject({
      code: 'auth_failed',
      outcome: 'not_sent',
      status: 403,
      providerCode: 'UnrecognizedClientException',
    });
    expect(sandbox.requests.ses).toBe(1);
  });

  it('wrong secret → auth_failed (SignatureDoesNotMatch)', async () => {
    const { accessKeyId } = sandbox.credentials.ses;
    const provider = sandboxProvider(sandbox, {
      credentials: { accessKeyId, secretAccessKey: 'wrong-secret' },
    });
    expect(await failureOf(provider)).toMatchObject({
      code: 'auth_failed',
      status: 403,
      providerCode: 'SignatureDoesNotMatch',
    });
  });

  it('connection refused on a closed port → network, not sent', async () => {
    const port = await closedPort();
    const provider = sandboxProvider(sandbox, { endpoint: `http://127.0.0.1:${port}` });
    expect(await failureOf(provider)).toMatchObject({
      code: 'network',
      outcome: 'not_sent',
      providerCode: 'ECONNREFUSED',
    });
  });

  it('an aborted signal ends the attempt as a timeout with an unknown outcome', async () => {
    sandbox.faults.next('ses', { kind: 'hang' });
    const provider = sandboxProvider(sandbox, { timeoutMs: 30_000 });
    const controller = new AbortController();
    const pending = failureOf(provider, controller.signal);
    while (sandbox.requests.ses === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await pending).toMatchObject({ code: 'timeout', outcome: 'unknown' });
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await failureOf(sandboxProvider(sandbox), controller.signal);
    expect(failure.code).toBe('timeout');
    expect(sandbox.requests.ses).toBe(0);
  });

  it('classifyError never throws, whatever it is given', () => {
    const provider = ses();
    for (const input of [
      undefined,
      null,
      42,
      'text',
      {},
      [],
      Object.create(null),
      { name: 5, $metadata: 'x' },
    ]) {
      expect(provider.classifyError(input).code).toBe('unknown');
    }
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}
